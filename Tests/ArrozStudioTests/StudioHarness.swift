// StudioHarness: the real StudioApp over a MemoryTerminal and the real DiffusionEngine and JobQueue on tiny runs
// trained for the test (RoundTripTests.trainModels' `txt` / `cls`, plus any `extraRuns`) — keys pressed, `s`
// saved, and `sample --from`'s code path (Reproduce) run on what was saved.
import ArrozImage
import ArrozTestSupport
import ArrozText
import Foundation
import Testing

@testable import ArrozStudio
@testable import ArrozTrain

final class StudioHarness {
    let root: String
    let out: String
    let engine: DiffusionEngine
    let queue: JobQueue
    let app: StudioApp

    /// `extraRuns(root)` trains further runs under `root` before the engine lists the models.
    init(extraRuns: (String) throws -> Void = { _ in }) throws {
        root = TinyModels.tempRoot()
        out = root + "/outputs"
        try RoundTripTests.trainModels(root: root)
        try extraRuns(root)
        engine = DiffusionEngine(defaultModel: nil, runsRoot: root, encoder: { HashEncoder() })
        queue = JobQueue(engine: engine)
        app = StudioApp(
            terminal: MemoryTerminal(cols: 120, rows: 36), queue: queue, engine: engine,
            catalog: ThemeCatalog(directories: [themesDirectory]),
            options: StudioApp.Options(graphics: .halfblock, outputDirectory: out))
        settle()
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Runs the queued jobs and redraws, twice (a finished job can queue the next, e.g. the encode before a
    /// sample).
    func settle() {
        for _ in 0..<2 {
            queue.runUntilIdle()
            app.tick(key: nil)
        }
    }

    func press(_ keys: Key...) {
        for k in keys { app.tick(key: k) }
        settle()
    }

    /// Loads `request` the way `l` does and lets it run.
    func show(_ request: GenerationRequest) {
        app.dispatch(.settingsLoaded(request))
        settle()
    }

    /// Presses `s`; the new PNG's path (an edit's source images go to `outputs/sources/`, not counted).
    func save() throws -> String {
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [])
        app.tick(key: .char("s"))
        let new = Set(try FileManager.default.contentsOfDirectory(atPath: out)).subtracting(before)
            .filter { $0.hasSuffix(".png") }
        try #require(new.count == 1, "s saved \(new.count) files; status: \(app.state.status?.text ?? "")")
        return out + "/" + (try #require(new.first))
    }

    /// `sample --from path`: the request in the PNG, its model resolved by name and freshly loaded, redrawn.
    func reproduce(_ path: String) throws -> RGBImage {
        let r = try Reproduce.request(fromPNG: path)
        let ck = try #require(ModelReference.resolve(r.model, runsRoot: root, defaultModel: nil))
        let model = try LoadedModel(path: ck, name: r.model, encoder: RoundTripTests.encoder)
        #expect(model.hash == r.modelHash, "the PNG records the checkpoint's content hash")
        return try #require(try Reproduce.render(r, model: model))
    }
}

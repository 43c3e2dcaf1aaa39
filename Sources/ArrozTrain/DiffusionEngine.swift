// DiffusionEngine: the studio's engine — real models, real MiniLM embeddings, real samplers, real training.
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozTensor
import ArrozText
import Foundation

/// Implements ``StudioEngine`` over checkpoints on disk: the bundled default model and every run's latest
/// checkpoint under the runs folder. Called on the compute thread only (the protocol's contract).
public final class DiffusionEngine: StudioEngine {
    /// Display name → checkpoint path, in menu order (default model first).
    public private(set) var catalog: [(name: String, path: String)]
    let runsRoot: String
    private var loaded: [String: LoadedModel] = [:]
    private let encoder: () throws -> PromptEncoder

    /// `defaultModel` is the bundled checkpoint (nil when absent); `runsRoot` is scanned for runs.
    public init(defaultModel: String?, runsRoot: String = "runs", encoder: @escaping () throws -> PromptEncoder = {
        try Encoders.make("minilm")
    }) {
        self.runsRoot = runsRoot
        self.encoder = encoder
        catalog = []
        if let d = defaultModel, FileManager.default.fileExists(atPath: d) { catalog.append((ModelReference.bundledDefault, d)) }
        refresh()
    }

    /// Rescans the runs folder for checkpoints.
    public func refresh() {
        let runs = ((try? FileManager.default.contentsOfDirectory(atPath: runsRoot)) ?? []).sorted()
        for r in runs {
            let dir = RunDirectory(root: runsRoot, name: r)
            let name = ModelReference.run(r)
            if dir.hasCheckpoint && !catalog.contains(where: { $0.name == name }) && Self.generates(dir) {
                catalog.append((name, dir.latestCheckpoint))
            }
        }
    }

    /// Whether a run's family makes images (an autoencoder or an image encoder run is not a model to sample).
    static func generates(_ dir: RunDirectory) -> Bool {
        guard let run = try? RunConfig.load(dir.configPath), let family = try? run.model.owner() else { return true }
        return family.generates(run.model)
    }

    public var models: [String] { catalog.map(\.name) }
    public var samplers: [String] { SamplerKind.allCases.map(\.rawValue) }
    public var trainingRecipes: [String] { Recipes.names }

    /// The model behind a menu name, loaded once.
    public func model(named name: String) throws -> LoadedModel {
        if let m = loaded[name] { return m }
        guard let path = catalog.first(where: { $0.name == name })?.path ?? catalog.first?.path else {
            throw EngineError.noModel(runsRoot: runsRoot)
        }
        let m = try LoadedModel(path: path, name: name, encoder: { _ in try self.encoder() })
        loaded[name] = m
        return m
    }

    public func summarize(promptA: String, promptB: String) throws -> PromptPairSummary {
        let enc = try encoder()
        let a = try PromptInput.embedding(for: promptA, encoder: enc, template: nil)
        let b = promptB.isEmpty ? a : try PromptInput.embedding(for: promptB, encoder: enc, template: nil)
        return PromptPairSummary(vectorA: a, vectorB: b)
    }

    /// Samples one request through the model's pipeline (the planner draws the noise and mixes A↔B exactly as
    /// `sample --from` does, so a saved PNG reproduces pixel for pixel).
    public func sample(_ request: GenerationRequest, controls: SamplerControls, onStep: (SampleStep) -> Bool) throws
        -> RGBImage?
    {
        let m = try model(named: request.model)
        var last = Date()
        let result = try withoutActuallyEscaping(onStep) { onStep in
            try m.generate([request], controls: controls) { step in
                let now = Date()
                let preview = RGBImage.images(fromBatch: step.preview.clamp(min: -1, max: 1))[0]
                let go = onStep(SampleStep(step: step.index + 1, total: step.count, preview: preview,
                                           seconds: now.timeIntervalSince(last)))
                last = now
                return go
            }
        }
        return result.map { request.sheet(RGBImage.images(fromBatch: $0)) }
    }

    /// The request the studio's settings describe, completed for the model: its hash, a sampler it can run (and
    /// then that sampler's steps), steps its sampler can take, its image size.
    public func prepare(_ request: GenerationRequest) throws -> GenerationRequest {
        let m = try model(named: request.model)
        var r = request
        r.modelHash = m.hash
        // A sampler the model cannot run gives way to its own, at its own steps (Paella 12, the GAN's 4 of 5).
        if !m.pipeline.samplers.contains(r.sampler) {
            let defaults = m.request(prompt: "")
            (r.sampler, r.steps) = (defaults.sampler, defaults.steps)
        }
        if let most = m.pipeline.maxSteps { r.steps = min(r.steps, most) }
        r.size = m.pipeline.outputShape.size
        return r
    }

    /// The model's own samplers, step range and image edits (the Sampler pane and the edit keys follow them).
    public func traits(for model: String) throws -> ModelTraits { ModelTraits(try self.model(named: model)) }

    /// Sampler names `model` can run (the Sampler pane offers only these).
    public func samplers(for model: String) -> [String] {
        ((try? self.model(named: model))?.pipeline.samplers ?? SamplerKind.allCases).map(\.rawValue)
    }

    public func train(_ request: TrainRequest, control: TrainingControl, onProgress: (TrainingProgress) -> Void) throws {
        let dir = RunDirectory(root: runsRoot, name: request.runName)
        let session: TrainingSession
        if request.resume && dir.exists {
            session = try TrainingSession(resuming: dir, encoder: Encoders.make)
        } else {
            if dir.exists { try? FileManager.default.removeItem(atPath: dir.path) }
            var cfg = try Recipes.make(request.recipe, runName: request.runName)
            if let data = request.data { cfg = try cfg.onFolder(data) }
            session = try TrainingSession(config: cfg, run: dir, encoder: Encoders.make)
        }
        let total = session.config.steps
        var pendingSamples: (RGBImage, Int)?
        var note: String?
        var saved = false
        try session.run(
            directive: {
                switch control.betweenSteps() {
                case .proceed: return .proceed
                case .saveCheckpoint: return .saveNow
                case .saveAndStop, .stop: return .saveAndStop
                }
            },
            preempt: { control.yieldIfAsked() },
            onEvent: { event in
                switch event {
                case .sample(let img, _, let step): pendingSamples = (img, step)
                case .checkpoint(_, let step):
                    note = "checkpoint saved at step \(step)"
                    saved = true
                    // The studio may sample this run while it trains: list it, and reload its weights next time.
                    refresh()
                    loaded[ModelReference.run(request.runName)] = nil
                case .step(let s, let rate):
                    onProgress(TrainingProgress(
                        runName: request.runName, step: s.step, totalSteps: total, loss: s.loss,
                        learningRate: s.lr, gradNorm: s.gradNorm, itemsPerSecond: rate,
                        etaSeconds: rate > 0 ? Double(total - s.step) / rate : nil,
                        samples: pendingSamples?.0, samplesStep: pendingSamples?.1, message: note,
                        checkpointSaved: saved, fields: s.fields))
                    pendingSamples = nil
                    note = nil
                    saved = false
                }
            })
        refresh()
    }
}

public enum EngineError: Error, CustomStringConvertible {
    case noModel(runsRoot: String)

    public var description: String {
        switch self {
        case .noModel(let root):
            "no model to sample: no bundled default model and no checkpoint under \(root)/ "
                + "(hint: press t to train one, or run `arroz-studio train --recipe shapes-arroz`)"
        }
    }
}

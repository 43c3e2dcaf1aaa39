// EvalPrompts: `arroz-studio eval prompts` — sample a fixed list of emoji names with a model, embed the samples
// with a contrastive image encoder (`train --recipe emoji-clip`), and rank each against all the names' text
// embeddings: top-1/top-5 say how often a sample is recognisably what it was asked for.
import ArgumentParser
import ArrozImage
import ArrozModels
import ArrozTensor
import ArrozTrain
import Foundation

struct EvalPrompts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompts",
        abstract: "Sample a fixed list of emoji names, embed the samples with the contrastive encoder, report top-1/top-5.",
        discussion: """
            Each sample is ranked against the MiniLM embeddings of all \(EvalPrompts.names.count) names (chance: \
            top-1 \(String(format: "%.0f", 100.0 / Double(EvalPrompts.names.count)))%, top-5 \
            \(String(format: "%.0f", 500.0 / Double(EvalPrompts.names.count)))%). Without --run or --checkpoint the \
            bundled default model draws.
              arroz-studio eval prompts --encoder runs/emoji-clip --n-per-prompt 4
            """)

    /// CLDR names as the emoji dataset captions them (the list is fixed, so numbers compare across runs).
    static let names = [
        "red apple", "fire engine", "smiling face with sunglasses", "green heart", "grinning face", "cat face",
        "dog face", "pile of poo", "red heart", "sun", "crescent moon", "fire", "droplet", "banana", "pizza",
        "rocket", "ghost", "alien", "thumbs up", "snowman",
    ]

    @Option(name: .customLong("run"), help: "Run directory of the model to sample.") var runDir: String?
    @Option(help: "Checkpoint file of the model to sample.") var checkpoint: String?
    @Option(help: "Contrastive encoder: a run directory of emoji-clip or its checkpoint file.") var encoder = "runs/emoji-clip"
    @Option(help: "Samples per name, 1 to 1000.") var nPerPrompt = 4
    @Option(help: "Guidance scale, 0 to 50 (default: the run's).") var cfg: Float?
    @Option(help: "Steps, 1 to 1000 (default: the run's).") var steps: Int?
    @Option(help: "Seed of the first sample, \(InputChecks.seedRange).") var seed: UInt64 = 1
    @Option(help: "Save a grid of the samples here (one row per name).") var grid: String?
    @Option(help: "Threads, 1 to 256.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Print one JSON line.") var json = false

    func validate() throws {
        _ = try InputChecks.threads(threads)
        try InputChecks.int(nPerPrompt, "--n-per-prompt", 1...1000)
        if let cfg { try InputChecks.float(cfg, "--cfg", GenerationRequest.cfgRange) }
        if let steps { try InputChecks.int(steps, "--steps", GenerationRequest.stepRange) }
        if let grid { try InputChecks.outputFile(grid, "--grid") }
        _ = try InputChecks.checkpoint(run: runDir, checkpoint: checkpoint)
        _ = try encoderPath()
    }

    /// The encoder checkpoint `--encoder` names (a run directory's latest, or the file itself).
    func encoderPath() throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: encoder, isDirectory: &isDir) else {
            throw ValidationError("--encoder: \(encoder) does not exist (train one: arroz-studio train --recipe emoji-clip)")
        }
        if isDir.boolValue {
            let dir = RunDirectory(path: encoder)
            guard dir.hasCheckpoint else { throw ValidationError("--encoder: \(encoder) has no checkpoint yet") }
            try InputChecks.checkpointFile(dir.latestCheckpoint, "--encoder")
            return dir.latestCheckpoint
        }
        try InputChecks.checkpointFile(encoder, "--encoder")
        return encoder
    }

    func run() throws {
        Threads.set(try InputChecks.threads(threads))
        let (ck, name) = try InputChecks.checkpoint(run: runDir, checkpoint: checkpoint)
        let encPath = try encoderPath()
        let (imageEncoder, textName): (ImageEncoder, String)
        do { (imageEncoder, textName) = try ContrastiveFamily.openEncoder(encPath) } catch { throw ValidationError("--encoder: \(error)") }
        let model = try LoadedModel(path: ck, name: name, encoder: Encoders.make)
        let size = model.pipeline.outputShape.size, want = imageEncoder.config.imageSize
        guard size % want == 0, model.pipeline.outputShape.channels == imageEncoder.config.inChannels else {
            throw ValidationError("eval prompts: \(ck) makes \(model.pipeline.outputShape.channels)×\(size)² images; the encoder reads "
                + "\(imageEncoder.config.inChannels)×\(want)² (or a whole multiple, average-pooled)")
        }
        let text = try Encoders.make(textName).encode(Self.names).pooled.l2Normalized()   // [P, D]
        var base = model.request(prompt: Self.names[0], seed: seed)
        if let cfg { base.cfg = cfg }
        if let steps { base.steps = steps }
        do { try base.validate(for: model.pipeline) } catch let e as GenerationError { throw ValidationError("\(e)") }
        var ranks: [Int] = [], pics: [RGBImage] = []
        let bar = Progress(total: Self.names.count * nPerPrompt, label: "eval prompts", json: false)
        let t0 = Date()
        for (p, prompt) in Self.names.enumerated() {
            // one request per image: image k of a name starts from seed + k, as `sample --seed` would
            let requests = (0..<nPerPrompt).map { k in
                var r = base
                r.promptA = prompt
                r.seed = seed &+ UInt64(k)
                return r
            }
            guard var x = try model.generate(requests, batching: .batched) else { throw ExitCode.failure }
            if grid != nil { pics += RGBImage.images(fromBatch: x) }
            if size != want { x = withNoGrad { avgPool2d(x, kernel: size / want) } }
            let e = withNoGrad { imageEncoder(x) }                               // [n, D]
            ranks += PromptRanking.ranks(images: e, texts: text, targets: [Int](repeating: p, count: nPerPrompt))
            bar.update((p + 1) * nPerPrompt)
        }
        bar.finish()
        let (top1, top5) = PromptRanking.topK(ranks)
        if let grid { try savePNG(ImageGrid.contactSheet(pics, columns: nPerPrompt), grid, text: ["parameters": base.parametersText]) }
        if json {
            emit(["event": "eval-prompts", "top1": top1, "top5": top5, "n": ranks.count, "prompts": Self.names.count,
                  "cfg": base.cfg, "steps": base.steps, "sampler": base.sampler.rawValue, "checkpoint": ck,
                  "encoder": encPath, "seconds": Date().timeIntervalSince(t0)])
            return
        }
        print("\(ranks.count) samples of \(Self.names.count) names (\(name)), \(base.sampler.rawValue) \(base.steps) steps, CFG \(base.cfg); encoder \(encPath)")
        for (p, prompt) in Self.names.enumerated() {
            let r = ranks[(p * nPerPrompt)..<((p + 1) * nPerPrompt)]
            print("  \(prompt.padding(toLength: 30, withPad: " ", startingAt: 0)) ranks \(r.map(String.init).joined(separator: " "))")
        }
        print(String(format: "top-1 %.1f%% · top-5 %.1f%% (chance %.1f%% / %.1f%%)", top1 * 100, top5 * 100,
                     100.0 / Double(Self.names.count), 500.0 / Double(Self.names.count)))
    }
}

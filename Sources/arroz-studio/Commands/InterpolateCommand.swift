// InterpolateCommand: `arroz-studio interpolate` — a strip (or grid) of images between two prompts at one seed.
import ArgumentParser
import ArrozDiffusion
import ArrozImage
import ArrozTensor
import ArrozTrain
import Foundation

struct InterpolateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interpolate",
        abstract: "Images between two prompts (or classes) at a fixed seed, as a PNG strip.",
        discussion: """
            The prompts' embeddings are mixed with a norm-aware slerp (directions slerped, norms lerped); the noise
            is shared, so only the conditioning moves. --noise-seed-b slerps the noise between two seeds instead.
            Example: arroz-studio interpolate --run runs/emoji-arroz --a "red apple" --b "green apple" --frames 8
            """)

    @Option(name: .customLong("run"), help: "Run directory.") var runDir: String?
    @Option(help: "Checkpoint file.") var checkpoint: String?
    @Option(help: "First prompt, class or embedding file.") var a: String
    @Option(help: "Second prompt, class or embedding file.") var b: String
    @Option(help: "Frames from A to B (≥ 2).") var frames = 8
    @Option(help: "Embedding mix: lerp, slerp, normAwareSlerp.") var mode = "normAwareSlerp"
    @Option(help: "Sampler.") var sampler: String?
    @Option(help: "Steps.") var steps: Int?
    @Option(help: "Guidance scale.") var cfg: Float?
    @Option(help: "Seed (shared noise).") var seed: UInt64 = 0
    @Option(help: "Slerp the noise from --seed to this seed as well.") var noiseSeedB: UInt64?
    @Option(help: "Columns (default: all frames in one row).") var columns: Int?
    @Option(help: "Upscale factor for the saved strip.") var scale = 2
    @Option(help: "Output PNG.") var out = "interpolation.png"
    @Option(help: "Threads.") var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        Threads.set(threads)
        guard frames >= 2 else { throw ValidationError("--frames must be at least 2") }
        guard let m = InterpolationMode(rawValue: mode) else {
            throw ValidationError("--mode must be one of \(InterpolationMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let ck = checkpoint ?? runDir.map({ RunDirectory(path: $0).latestCheckpoint }) else {
            throw ValidationError("give --run DIR or --checkpoint FILE")
        }
        let model = try LoadedModel(path: ck, encoder: Encoders.make)
        var p = GenerationParameters(checkpoint: ck, prompts: [a, b])
        if let sampler { p.sampler = sampler }
        if let steps { p.steps = steps }
        if let cfg { p.cfg = cfg }
        p.seed = seed
                p.fillDefaults(model)
        let ca = try model.conditioning(for: [a]), cb = try model.conditioning(for: [b])
        let ws = (0..<frames).map { Float($0) / Float(frames - 1) }
        let rows: [Tensor]
        if case .classes = model.generator.model.conditioning {
            rows = ws.map { $0 < 0.5 ? ca : cb }   // class labels cannot be mixed: the strip switches halfway
        } else {
            rows = ws.map { Interpolation.mix(ca, cb, $0, mode: m) }
        }
        let cond = concat(rows, axis: 0)                                          // [frames, ...]
        let (C, S) = model.info.model.imageShape
        var rng = ArrozRandom(seed: seed)
        var noise = Tensor.randn([1, C, S, S], rng: &rng)
        if let nb = noiseSeedB {
            var r2 = ArrozRandom(seed: nb)
            let n2 = Tensor.randn([1, C, S, S], rng: &r2)
            noise = concat(ws.map { Interpolation.slerp(noise, n2, $0) }, axis: 0)
        } else {
            noise = concat(Array(repeating: noise, count: frames), axis: 0)
        }
        let settings = GenerationSettings(sampler: p.sampler, steps: p.steps, cfg: p.cfg, eta: p.eta, seed: seed)
        let bar = Progress(total: p.steps, label: "interpolate", json: false)
        guard let x = try model.generator.generate(cond: cond, settings: settings, noise: noise, onStep: { s in
            bar.total = s.count
            bar.update(s.index + 1)
            return true
        }) else { throw ExitCode.failure }
        var pics = RGBImage.images(fromBatch: x)
        if scale > 1 { pics = pics.map { $0.resized(width: $0.width * scale, height: $0.height * scale, filter: .nearest) } }
        let strip = ImageGrid.contactSheet(pics, columns: columns ?? frames, padding: 2)
        try savePNG(strip, out, text: ["parameters": p.text])
        print("wrote \(out): \(frames) frames from '\(a)' to '\(b)' (\(m.displayName)), seed \(seed)")
    }
}

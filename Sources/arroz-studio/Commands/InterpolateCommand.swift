// InterpolateCommand: `arroz-studio interpolate` — a strip of images between two prompts at one seed, written
// as one request with `frames`, so `sample --from strip.png` redraws it.
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
            is shared, so only the conditioning moves. --noise-seed-b slerps the noise between two seeds as well.
            Class models switch from A to B halfway. Without --run or --checkpoint the bundled default model draws.
            Example: arroz-studio interpolate --run runs/emoji-arroz --a "red apple" --b "green apple" --frames 8
            """)

    @Option(name: .customLong("run"), help: "Run directory.") var runDir: String?
    @Option(help: "Checkpoint file.") var checkpoint: String?
    @Option(help: "First prompt, class or embedding file.") var a: String
    @Option(help: "Second prompt, class or embedding file.") var b: String
    @Option(help: "Frames from A to B, 2 to 64.") var frames = 8
    @Option(help: "Embedding mix: \(InterpolationMode.choices).") var mode = "normAwareSlerp"
    @Option(help: "Sampler (\(SamplerKind.choices)).") var sampler: String?
    @Option(help: "Steps, 1 to 1000.") var steps: Int?
    @Option(help: "Guidance scale, 0 to 50.") var cfg: Float?
    @Option(help: "Seed (shared noise), \(InputChecks.seedRange).") var seed: UInt64 = 0
    @Option(help: "Slerp the noise from --seed to this seed as well, \(InputChecks.seedRange).") var noiseSeedB: UInt64?
    @Option(help: "Columns, 1 to 64 (default: all frames in one row).") var columns: Int?
    @Option(help: "Upscale factor for the saved strip, 1 to 16.") var scale = 2
    @Option(help: "Output PNG.") var out = "interpolation.png"
    @Option(help: "Threads, 1 to 256.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Compute precision: fp32 (default) or bf16 (convolutions, matmuls, attention; needs oneDNN).")
    var precision: String?

    func validate() throws {
        _ = try InputChecks.threads(threads)
        try InputChecks.int(frames, "--frames", 2...64)
        try InputChecks.int(scale, "--scale", 1...16)
        if let columns { try InputChecks.int(columns, "--columns", 1...64) }
        if let steps { try InputChecks.int(steps, "--steps", GenerationRequest.stepRange) }
        if let cfg { try InputChecks.float(cfg, "--cfg", GenerationRequest.cfgRange) }
        guard InterpolationMode(rawValue: mode) != nil else {
            throw ValidationError("--mode: unknown mode '\(mode)' (choices: \(InterpolationMode.choices))")
        }
        if let sampler { _ = try InputChecks.sampler(sampler) }
        try InputChecks.outputFile(out, "--out")
        try InputChecks.prompt(a, "--a")
        try InputChecks.prompt(b, "--b")
        if let checkpoint { try InputChecks.checkpointFile(checkpoint, "--checkpoint") }
    }

    func run() throws {
        Threads.set(try InputChecks.threads(threads))
        try InputChecks.precision(precision)
        let (path, name) = try InputChecks.checkpoint(run: runDir, checkpoint: checkpoint)
        let model = try LoadedModel(path: path, name: name, encoder: Encoders.make)
        var r = model.request(prompt: a, seed: seed)
        r.promptB = b
        r.frames = frames
        r.mixMode = InterpolationMode(rawValue: mode) ?? .normAwareSlerp
        if let nb = noiseSeedB {
            r.noiseSeedB = nb
            r.noiseMix = 1
        }
        if let sampler { r.sampler = try InputChecks.sampler(sampler) }
        if let steps { r.steps = steps }
        if let cfg { r.cfg = cfg }
        do { try r.validate(for: model.pipeline) } catch let e as GenerationError { throw ValidationError("\(e)") }
        let bar = Progress(total: r.steps, label: "interpolate", json: false)
        guard let x = try model.generate([r], onStep: { s in
            bar.total = s.count
            bar.update(s.index + 1)
            return true
        }) else { throw ExitCode.failure }
        bar.finish()
        var pics = RGBImage.images(fromBatch: x)
        if scale > 1 { pics = pics.map { $0.resized(width: $0.width * scale, height: $0.height * scale, filter: .nearest) } }
        let strip = columns.map { ImageGrid.contactSheet(pics, columns: $0, padding: 2) } ?? r.sheet(pics)
        try savePNG(strip, out, text: ["parameters": r.parametersText])
        print("wrote \(out): \(frames) frames from '\(a)' to '\(b)' (\(r.mixMode.displayName)), seed \(seed)")
    }
}

// SampleCommand: `arroz-studio sample` — images from a checkpoint, saved as PNG with their parameters.
import ArgumentParser
import ArrozDiffusion
import ArrozImage
import ArrozTensor
import ArrozTrain
import Foundation

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample images from a checkpoint into a PNG (parameters in its `parameters` text chunk).",
        discussion: """
            Examples:
              arroz-studio sample --run runs/fashion-keras --prompt "Ankle boot" --n 4 --out boots.png
              arroz-studio sample --checkpoint model.safetensors --prompt "red apple" --cfg 5 --seed 7
              arroz-studio sample --from boots.png            # reproduce an image from its parameters
            """)

    @Option(name: .customLong("run"), help: "Run directory (uses its latest checkpoint).") var runDir: String?
    @Option(help: "Checkpoint file.") var checkpoint: String?
    @Option(name: .long, help: "Prompt, class name, or embedding file; repeat for several.") var prompt: [String] = []
    @Option(help: "Images per prompt.") var n = 1
    @Option(help: "Sampler (ddim, ddpm, euler, euler_a, dpmpp_2m, keras).") var sampler: String?
    @Option(help: "Sampling steps.") var steps: Int?
    @Option(help: "Classifier-free guidance scale.") var cfg: Float?
    @Option(help: "DDIM eta.") var eta: Float = 0
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Output PNG.") var out = "sample.png"
    @Option(help: "Upscale the saved image by this integer factor (nearest).") var scale = 1
    @Option(help: "Reproduce the image whose PNG parameters are in this file.") var from: String?
    @Flag(help: "Use the live weights instead of the EMA weights.") var noEma = false
    @Option(help: "Threads.") var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        Threads.set(threads)
        var p = try parameters()
        let model = try LoadedModel(path: p.checkpoint, ema: p.ema, encoder: Encoders.make)
        p.fillDefaults(model)
        let prompts = p.prompts.flatMap { Array(repeating: $0, count: p.n) }
        var cond = try model.conditioning(for: prompts)
        if !p.promptB.isEmpty && p.mix > 0 {
            let b = try model.conditioning(for: Array(repeating: p.promptB, count: prompts.count))
            cond = Interpolation.normAwareSlerp(cond, b, p.mix)
        }
        let settings = GenerationSettings(sampler: p.sampler, steps: p.steps, cfg: p.cfg, eta: p.eta, seed: p.seed)
        let bar = Progress(total: p.steps, label: "sample", json: false)
        // Every image gets its own seed (seed, seed+1, …), so image k reproduces alone with --seed seed+k.
        var rows: [Tensor] = []
        let (C, S) = model.info.model.imageShape
        for k in 0..<prompts.count {
            var r = ArrozRandom(seed: p.seed &+ UInt64(k))
            rows.append(Tensor.randn([1, C, S, S], rng: &r))
        }
        guard let images = try model.generator.generate(cond: cond, settings: settings, noise: concat(rows, axis: 0), onStep: { s in
            bar.total = s.count
            bar.update(s.index + 1)
            return true
        }) else { throw ExitCode.failure }
        var pics = RGBImage.images(fromBatch: images)
        if scale > 1 { pics = pics.map { $0.resized(width: $0.width * scale, height: $0.height * scale, filter: .nearest) } }
        let grid = pics.count == 1 ? pics[0] : ImageGrid.contactSheet(pics, columns: p.n, padding: 2)
        try savePNG(grid, out, text: ["parameters": p.text])
        print("wrote \(out) (\(grid.width)x\(grid.height))\n\(p.text)")
    }

    /// Parameters from the flags, or from `--from` image's text chunk (flags given explicitly still win).
    func parameters() throws -> GenerationParameters {
        var p: GenerationParameters
        if let from {
            let text = try loadPNGText(from)
            guard let line = text["parameters"] else {
                throw ValidationError("\(from) has no `parameters` text chunk (hint: it was not written by arroz-studio)")
            }
            p = try GenerationParameters(parsing: line, source: from)
            p.checkpoint = p.checkpoint.hasPrefix("default")
                ? (DefaultModel.path ?? p.checkpoint) : GenerationParameters.resolve(p.checkpoint)
            if !prompt.isEmpty { p.prompts = prompt }
        } else {
            guard let ck = checkpoint ?? runDir.map({ RunDirectory(path: $0).latestCheckpoint }) else {
                throw ValidationError("give --run DIR or --checkpoint FILE (or --from image.png)")
            }
            guard !prompt.isEmpty else { throw ValidationError("give at least one --prompt") }
            p = GenerationParameters(checkpoint: ck, prompts: prompt)
            p.n = n
            p.seed = seed
            p.eta = eta
            p.ema = !noEma
        }
        if let checkpoint { p.checkpoint = checkpoint }
        if let sampler { p.sampler = sampler }
        if let steps { p.steps = steps }
        if let cfg { p.cfg = cfg }
        return p
    }
}

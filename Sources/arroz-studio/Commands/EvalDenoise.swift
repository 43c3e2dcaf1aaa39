// EvalDenoise: `arroz-studio eval denoise` — one-step reconstruction error per noise level on held-out images.
import ArgumentParser
import ArrozData
import ArrozDiffusion
import ArrozImage
import ArrozTensor
import ArrozTrain
import Foundation

/// Noises held-out Fashion-MNIST test images to fixed levels, asks the model for x̂₀ once (conditional, no CFG)
/// and prints the mean |x̂₀ − x₀| per level — in eval mode (running BatchNorm statistics, what sampling uses)
/// and, with `--batch-stats`, with batch statistics too. A large gap between the two, or an error that does
/// not fall towards small σ, points at the network rather than the sampler. `--grid` saves the images.
struct EvalDenoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise", abstract: "One-step x̂₀ error per noise level on Fashion-MNIST test images.")

    @Option(name: .customLong("run"), help: "Run directory.") var runDir: String?
    @Option(help: "Checkpoint file.") var checkpoint: String?
    @Flag(help: "Use the live weights instead of the EMA ones.") var noEMA = false
    @Flag(help: "Also measure with batch statistics in BatchNorm.") var batchStats = false
    @Option(help: "Images, 1 to 10000.") var n = 64
    @Flag(help: "Do not clip x̂₀ in the part-way runs.") var noClip = false
    @Option(help: "Sampler steps for the part-way runs, 1 to 1000.") var steps = 35
    @Option(help: "Guidance scale for the part-way runs, 0 to 50.") var cfg: Float = 1
    @Option(help: "Save clean / noised / x̂₀ rows here (PNG).") var grid: String?

    func validate() throws {
        try InputChecks.int(n, "--n", 1...10_000)
        try InputChecks.int(steps, "--steps", GenerationRequest.stepRange)
        try InputChecks.float(cfg, "--cfg", GenerationRequest.cfgRange)
        if let grid { try InputChecks.outputFile(grid, "--grid") }
        if checkpoint == nil && runDir == nil { throw ValidationError("give --run DIR or --checkpoint FILE") }
        _ = try InputChecks.checkpoint(run: runDir, checkpoint: checkpoint)
    }

    func run() throws {
        let (ck, _) = try InputChecks.checkpoint(run: runDir, checkpoint: checkpoint)
        let model = try LoadedModel(path: ck, ema: !noEMA, encoder: Encoders.make)
        guard let gen = model.pipeline as? GaussianPipeline else {
            throw ValidationError("eval denoise measures Gaussian denoisers (keras, arroz, ddpm); \(ck) is not one")
        }
        let shape = model.pipeline.outputShape
        guard shape.channels == 1, shape.size == 32 else {
            throw ValidationError(
                "eval denoise: \(ck) makes \(shape.channels)-channel \(shape.size)×\(shape.size) images; it measures models of "
                    + "grey 32×32 Fashion-MNIST (e.g. a fashion-keras or fashion-ddpm run)")
        }
        let data = try FashionMNIST(split: .test)
        let examples = (0..<n).map { data.example($0 * 37 % data.count) }
        let x0 = Tensor.stackGrey(examples.map(\.image))                           // [n, 1, 32, 32]
        let cond = try model.conditioning(for: examples.map(\.caption))
        let process = gen.process
        var rng = ArrozRandom(seed: 5)
        let noise = Tensor.randn(x0.shape, rng: &rng)
        var rows: [[RGBImage]] = [RGBImage.images(fromBatch: x0).prefix(10).map { $0 }]
        print("checkpoint step \(model.info?.step ?? 0), \(noEMA ? "live" : "EMA") weights, \(n) test images")
        print("  noise b(t)   t        |x̂₀−x₀| eval" + (batchStats ? "   batch stats" : ""))
        // Times in the process's own units (σ, continuous t or a table index) where the noise coefficient
        // b(t) of x_t = a·x₀ + b·ε is closest to each level.
        let fine = Array(process.timeGrid(steps: 1000).dropLast())
        for level: Float in [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9] {
            let t = fine.min { abs(process.coefficients(at: $0).noise - level) < abs(process.coefficients(at: $1).noise - level) }!
            let tt = Tensor([Float](repeating: t, count: n))
            let xt = process.diffuse(x0, t: tt, noise: noise)
            func x0hat(train: Bool) -> Tensor {
                train ? gen.model.train() : gen.model.eval()
                let out = withNoGrad { gen.model.predict(xt, t: tt, cond: cond) }
                return process.split(xt, prediction: out, kind: gen.prediction, at: t).x0
            }
            let ev = x0hat(train: false)
            var line = String(format: "  %.2f  %8.3f      %.4f", process.coefficients(at: t).noise, t, (ev - x0).abs().mean().item)
            if level == 0.3 || level == 0.7 {
                rows.append(RGBImage.images(fromBatch: xt.clamp(min: -1, max: 1)).prefix(10).map { $0 })
                rows.append(RGBImage.images(fromBatch: ev.clamp(min: -1, max: 1)).prefix(10).map { $0 })
            }
            if batchStats {
                let bs = x0hat(train: true)
                line += String(format: "          %.4f", (bs - x0).abs().mean().item)
                if level == 0.3 || level == 0.7 {
                    rows.append(RGBImage.images(fromBatch: bs.clamp(min: -1, max: 1)).prefix(10).map { $0 })
                }
            }
            print(line)
        }
        gen.model.eval()
        // The sampler from part-way down its grid (SDEdit): multi-step error on the same images.
        let kind = gen.defaultSampler
        let full = try makeSampler(SamplerSettings(kind: kind, steps: steps), process: process)
        print("  \(kind.rawValue) sampler, \(steps) steps, CFG \(cfg), from part-way down its grid:")
        for strength: Float in [0.3, 0.6, 1.0] {
            let tail = ImageToImage.tail(of: full.grid, strength: strength)
            let sampler = try makeSampler(SamplerSettings(kind: kind, steps: steps), process: process, grid: tail)
            var r = ArrozRandom(seed: 9)
            let start = ImageToImage.start(x0, process: process, grid: tail, rng: &r)
            var guided = gen.guidedDenoiser(cond: cond, controls: SamplerControls(guidanceScale: cfg))
            if noClip { guided.clipDenoised = nil }
            guard let out = withNoGrad({ sampler.sample(guided, from: start, rng: &r, onStep: nil) }) else { continue }
            let img = out.sample.clamp(min: -1, max: 1)
            print(String(format: "  from t %.3f (%d updates)   |x−x₀| %.4f", tail[0], tail.count - 1,
                         (img - x0).abs().mean().item))
            rows.append(RGBImage.images(fromBatch: img).prefix(10).map { $0 })
        }
        if let grid { try savePNG(ImageGrid.contactSheet(rows.flatMap { $0 }, columns: 10), grid) }
    }
}

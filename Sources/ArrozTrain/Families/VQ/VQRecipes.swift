// VQRecipes: the VQ family's recipes — the seeds' small autoencoder configs (seeds.md §6) on emoji 32² and 64²
// and on Fashion-MNIST, sized to train in minutes on 2 cores.
import ArrozModels
import ArrozNN

enum VQRecipes {
    static let all: [Recipe] = [
        ("emoji-vq", "arroz.VQModel (levels 2, c_hidden 128, 2048 codes; cosine lr) on emoji 32² → 8×8×4 latents; every 10th emoji held out"),
        ("emoji-vq64", "arroz.VQModel (levels 3, c_hidden 96, 512 codes) on emoji 64² → 8×8×4 latents; every 10th emoji held out"),
        ("fashion-vq", "arroz.VQModel (§6 config) on Fashion-MNIST 32² (grey replicated to 3 channels) → 8×8×4 latents"),
        ("emoji-vq-paella", "paella.VQModel (§6: levels 2, c_hidden 64, 512 codes) on emoji 32² → 8×8×4 latents"),
    ].map { name, summary in Recipe(name, summary) { try make(name, runName: $0) } }

    static func make(_ name: String, runName run: String) throws -> RunConfig {
        var spec: VQSpec
        var (size, steps, cosine) = (32, 3000, false)
        switch name {
        case "emoji-vq":
            // Wider than §6's tiny config: at 750 steps c_hidden 64/512 codes reached 19.4 dB held-out PSNR,
            // 128/512 20.4 dB and 128/2048 20.5 dB with every code in use (runs of 2026-12-03).
            var a = ArrozVQConfig.tiny32
            (a.hidden, a.codebookSize) = (128, 2048)
            spec = VQSpec(flavour: .arroz)
            spec.arroz = arroz(a)
            (steps, cosine) = (4000, true)
        case "fashion-vq":
            spec = VQSpec(flavour: .arroz)
            spec.arroz = arroz(.tiny32)
        case "emoji-vq64":
            var a = ArrozVQConfig.tiny32
            (a.levels, a.hidden) = (3, 96)
            spec = VQSpec(flavour: .arroz)
            spec.arroz = arroz(a)
            size = 64
        case "emoji-vq-paella":
            var p = PaellaVQConfig.tiny32
            p.quantizer.deadCodeThreshold = 1  // unused in the batch → restarted from a batch vector
            spec = VQSpec(flavour: .paella)
            spec.paella = p
        default:
            throw TrainError.unknownRecipe(name, known: all.map(\.name))
        }
        let fashion = name.hasPrefix("fashion")
        if !fashion { spec.holdoutEvery = 10 }
        var c = RunConfig(name: run, recipe: name, model: try spec.spec)
        c.data.dataset = fashion ? "fashion-mnist" : "emoji"
        c.data.channels = 3
        c.data.imageSize = size
        c.conditioning.kind = .text  // captions are only carried along (the autoencoder is unconditional)
        c.conditioning.dropout = 0
        var o = OptimizerConfig()
        o.kind = .adamw
        o.lr = 1e-3
        o.weightDecay = 0
        o.warmupSteps = 100
        o.gradClip = 1
        c.optimizer = o
        if cosine {
            c.optimizer.decay = .cosine
            c.optimizer.minLR = 1e-5
        }
        c.batchSize = 32
        c.steps = steps
        c.sampleEvery = 250
        c.checkpointEvery = 250
        return c
    }

    /// The EMA codebook with restarts: a code whose smoothed use (≈ uses per batch) falls below 0.5 is moved
    /// onto a random batch vector.
    static func arroz(_ base: ArrozVQConfig) -> ArrozVQConfig {
        var a = base
        a.quantizer.ema = true
        a.quantizer.deadCodeThreshold = 0.5
        return a
    }
}

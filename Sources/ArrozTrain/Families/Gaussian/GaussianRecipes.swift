// GaussianRecipes: the Gaussian families' built-in recipes — each a RunConfig with the seeds' defaults at a
// CPU-sized scale.
import ArrozDiffusion
import ArrozModels

enum GaussianRecipes {
    /// In listing order: the recipe that gives recognisable samples fastest (fashion-ddpm: 87 % judged correct
    /// after 3,600 steps) first.
    static let all: [Recipe] = [
        ("fashion-ddpm", "DDPM U-Net (unet_ref, 1.2M) on Fashion-MNIST, MiniLM captions \"a photo of a …\""),
        ("emoji-ddpm", "DDPM U-Net (unet_ref, small) on Noto emoji 32², MiniLM-conditioned"),
        ("fashion-keras", "Keras seed U-Net, class-conditional Fashion-MNIST 32² (the seed's own example)"),
        ("fashion-arroz", "Arroz generator on Fashion-MNIST pixels, MiniLM captions \"a photo of a …\""),
        ("emoji-arroz", "Arroz generator on Noto emoji 32², MiniLM-conditioned"),
        ("emoji-keras", "Keras seed U-Net on Noto emoji 32², MiniLM-conditioned"),
        ("shapes-keras", "Keras U-Net on procedural shapes 16² (tests, demos)"),
        ("shapes-arroz", "Arroz generator on procedural shapes 16² (tests, demos)"),
        ("shapes-ddpm", "DDPM U-Net on procedural shapes 16² (tests, demos)"),
    ].map { name, summary in Recipe(name, summary) { try make(name, runName: $0) } }

    /// The run config of recipe `name`, with the run called `runName`.
    static func make(_ name: String, runName run: String) throws -> RunConfig {
        switch name {
        case "fashion-keras":
            // seeds.md §6: get_network(widths=[32,64,96], block_depth=1, num_classes=11, attention [0,1,0],
            // emb_size=32); §4.4: Adam lr 3e-4 eps 1e-7; batch 64 in the seed (32 here for CPU); CFG 15% per sample.
            var k = KerasUNetConfig()
            k.imageSize = 32
            var c = RunConfig(name: run, recipe: name, model: try GaussianSpec(network: .keras(k)).spec)
            c.conditioning.kind = .class
            c.conditioning.dropout = 0.15
            c.optimizer = keras()
            c.sampling = SamplingDefaults(sampler: .keras, steps: 35, cfg: 3)
            c.steps = 20_000
            return c
        case "fashion-arroz":
            var a = ArrozConfig()
            a.inChannels = 1
            return fashionCaptioned(RunConfig(name: run, recipe: name, model: try GaussianSpec(network: .arroz(a), process: .cosine).spec))
        case "fashion-ddpm":
            // The standard DDPM U-Net (shared/bench/unet_ref.py) at CPU size: ε-prediction on the discrete
            // linear-β table, uniform t, so every noise level trains equally (the Keras process trains σ > 0.6
            // on 7% of samples, which is what its 20-minute samples lack). 8 GroupNorm groups at 32 channels.
            var d = DDPMUNetConfig()
            d.inChannels = 1
            d.channels = 32
            d.mults = [1, 2, 2]
            d.resBlocks = 1
            d.groups = 8
            d.condDim = 384
            var c = fashionCaptioned(RunConfig(name: run, recipe: name, model: try GaussianSpec(network: .ddpm(d), process: .discrete).spec))
            c.optimizer.lr = 1e-3
            c.optimizer.emaDecay = 0.995
            c.optimizer.emaStart = 200
            return c
        case "emoji-ddpm", "emoji-arroz", "emoji-keras", "shapes-keras", "shapes-arroz", "shapes-ddpm":
            let shapes = name.hasPrefix("shapes")
            let size = shapes ? 16 : 32
            let model: ModelConfig
            var process = NoiseProcessKind.cosine
            var opt = arroz()
            var sampling = SamplingDefaults(sampler: .ddim, steps: 20, cfg: 3)
            switch name.split(separator: "-")[1] {
            case "keras":
                var k = KerasUNetConfig()
                k.imageSize = size
                k.channels = 3
                k.numClasses = 0
                k.embeddingSize = 64
                model = .keras(k)
                process = .keras
                opt = keras()
                sampling = SamplingDefaults(sampler: .keras, steps: 35, cfg: 3)
            case "arroz":
                var a = ArrozConfig()
                a.imageSize = size
                if shapes { a.downLevels = [1, 2]; a.upLevels = [2, 1]; a.hidden = 64 }
                model = .arroz(a)
            default:
                var d = DDPMUNetConfig()
                d.imageSize = size
                d.channels = 32
                d.mults = shapes ? [1, 2] : [1, 2, 2]
                d.resBlocks = shapes ? 1 : 2
                d.groups = 8  // 4 channels per group at 32 (unet_ref's 32 groups would be one channel each)
                d.condDim = 384
                model = .ddpm(d)
                process = .discrete
                opt.lr = 5e-4
            }
            var c = RunConfig(name: run, recipe: name, model: try GaussianSpec(network: model, process: process).spec)
            c.data.dataset = shapes ? "shapes" : "emoji"
            c.data.channels = 3
            c.data.imageSize = size
            c.conditioning.kind = .text
            c.conditioning.dropout = 0.1
            c.optimizer = opt
            c.sampling = sampling
            c.steps = shapes ? 2000 : 20_000
            c.previewPrompts = shapes
                ? ["a small red circle on a blue background", "a large green square on a white background"]
                : ["red apple", "fire engine", "smiling face with sunglasses", "green heart"]
            return c
        default:
            throw TrainError.unknownRecipe(name, known: all.map(\.name))
        }
    }

    /// A Fashion-MNIST run conditioned on MiniLM embeddings of "a photo of a {class}" (10 % CFG dropout), with
    /// the Arroz optimizer and DDIM 20 at CFG 3 — what fashion-arroz and fashion-ddpm share.
    static func fashionCaptioned(_ base: RunConfig) -> RunConfig {
        var c = base
        c.conditioning.kind = .text
        c.conditioning.captionTemplate = "a photo of a {}"
        c.conditioning.dropout = 0.1
        c.optimizer = arroz()
        c.sampling = SamplingDefaults(sampler: .ddim, steps: 20, cfg: 3)
        c.steps = 20_000
        return c
    }

    /// Keras seed optimizer (§4.4): Adam β 0.9/0.999, eps 1e-7, lr 3e-4, no schedule, no EMA.
    static func keras() -> OptimizerConfig {
        var o = OptimizerConfig()
        o.kind = .adamKeras
        o.lr = 3e-4
        o.eps = 1e-7
        o.weightDecay = 0
        o.emaDecay = 0.999
        o.emaStart = 500
        return o
    }

    /// Arroz optimizer (§1.4): AdamW lr 3e-4, warmup then constant, clip 5.0, EMA 0.999 (start scaled down).
    static func arroz() -> OptimizerConfig {
        var o = OptimizerConfig()
        o.kind = .adamw
        o.lr = 3e-4
        o.warmupSteps = 200
        o.gradClip = 5
        o.emaDecay = 0.999
        o.emaStart = 500
        return o
    }
}

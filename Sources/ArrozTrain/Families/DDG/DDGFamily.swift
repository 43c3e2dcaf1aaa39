// DDGFamily: the denoising diffusion GAN (johnowhitaker/cclddg) on a frozen VQ autoencoder's latents — the family
// seam's entry point (seeds.md §3).
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor

public enum DDGFamily: Family {
    static let name = "ddg"
    public static let names = [name]

    public static var recipes: [Recipe] { DDGRecipes.all }

    public static func validate(_ run: RunConfig) throws {
        let spec = try decode(run.model)
        try spec.validate()
        try run.requireRGBText(imageSize: spec.imageSize, family: name)
        guard run.sampling.sampler == .ddg, (1...spec.nSteps).contains(run.sampling.steps) else {
            throw TrainError.badSetting(
                "sampling: ddg samples with sampler ddg and 1 to \(spec.nSteps) steps (got \(run.sampling.sampler.rawValue), \(run.sampling.steps))")
        }
    }

    public static func makeObjective(_ run: RunConfig, context: ObjectiveContext) throws -> any TrainingObjective {
        try DDGObjective(run: run, spec: decode(run.model), context: context)
    }

    public static func openPipeline(_ checkpoint: CheckpointFile, spec: ModelSpec, ema: Bool) throws
        -> any GenerationPipeline
    {
        let s = try decode(spec)
        let vq = try FrozenVQ(s.autoencoder)
        var rng = ArrozRandom(seed: 0)
        let g = DDGUNet(s.generator, rng: &rng)
        if ema && checkpoint.hasEMA {
            try checkpoint.restoreEMA(into: g)
        } else {
            try g.load(from: checkpoint.file, prefix: "generator.")
        }
        g.eval()
        return try DDGPipeline(generator: g, spec: s, vq: vq)
    }

    static func decode(_ spec: ModelSpec) throws -> DDGSpec {
        do {
            return try spec.decode(DDGSpec.self)
        } catch let e as DecodingError {
            throw TrainError.badSetting("model: \(describe(e))")
        }
    }

    static func check(_ spec: DDGSpec, _ vq: FrozenVQ) throws {
        guard vq.latentChannels == spec.generator.imageChannels else {
            throw TrainError.badSetting(
                "model.generator.image_channels is \(spec.generator.imageChannels) but the autoencoder \(vq.path) has \(vq.latentChannels) latent channels")
        }
        let side = spec.imageSize / vq.factor
        guard side * vq.factor == spec.imageSize, side % spec.generator.sizeMultiple == 0 else {
            throw TrainError.badSetting(
                "model.image_size \(spec.imageSize): the \(side)² latent must divide by \(spec.generator.sizeMultiple)")
        }
    }
}

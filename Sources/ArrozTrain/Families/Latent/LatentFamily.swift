// LatentFamily: Arroz Con Cosas' generation chain — the Arroz generator on a frozen VQ autoencoder's latents,
// conditioned on image embeddings, sampled with the Gaussian samplers and decoded at the end (seeds.md §1).
import ArrozModels
import ArrozNN
import ArrozTensor

public enum LatentFamily: Family {
    public static let names = [LatentSpec.familyName]

    public static var recipes: [Recipe] { LatentRecipes.all }

    /// The config alone (recipes validate before the runs they depend on exist); the autoencoder's shapes
    /// are checked against it when the objective opens it (``check(_:against:)``).
    public static func validate(_ run: RunConfig) throws {
        let spec = try LatentSpec.decode(run.model)
        try spec.generator.validate()
        guard run.data.channels == 3 else { throw TrainError.badSetting("data.channels must be 3 (the VQ takes RGB)") }
        if spec.imageEncoder == nil && run.conditioning.kind != .text {
            throw TrainError.badSetting("conditioning.kind must be text without model.imageEncoder (MiniLM captions)")
        }
    }

    /// The run's images and generator fit the autoencoder: latent channels, and image side = latent side · f.
    static func check(_ run: RunConfig, against vq: ArrozVQModel, spec: LatentSpec) throws {
        let f = vq.config.downsamplingFactor
        guard run.data.imageSize == spec.generator.imageSize * f, spec.generator.inChannels == vq.config.latentChannels
        else {
            throw TrainError.badSetting(
                "the autoencoder makes \(vq.config.latentChannels)×\(run.data.imageSize / f)² latents of "
                    + "\(run.data.imageSize)² images, but model.generator takes \(spec.generator.inChannels)×"
                    + "\(spec.generator.imageSize)² (set generator.inChannels = \(vq.config.latentChannels), "
                    + "generator.imageSize = data.imageSize / \(f))")
        }
    }

    public static func makeObjective(_ run: RunConfig, context: ObjectiveContext) throws -> any TrainingObjective {
        try LatentObjective(run: run, spec: LatentSpec.decode(run.model), context: context)
    }

    public static func openPipeline(_ checkpoint: CheckpointFile, spec: ModelSpec, ema: Bool) throws
        -> any GenerationPipeline
    {
        let s = try LatentSpec.decode(spec)
        var rng = ArrozRandom(seed: 0)
        let generator = ArrozGenerator(s.generator, rng: &rng)
        if ema && checkpoint.hasEMA { try checkpoint.restoreEMA(into: generator) } else {
            try checkpoint.restore(model: generator)
        }
        generator.eval()
        return try LatentPipeline(generator: generator, spec: s)
    }
}

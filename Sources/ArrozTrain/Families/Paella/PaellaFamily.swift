// PaellaFamily: Paella token diffusion (v3, and v1 as a config) on a frozen VQ autoencoder's code indices —
// the family seam's entry point (seeds.md §2).
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor

public enum PaellaFamily: Family {
    static let name = "paella"
    public static let names = [name]

    public static var recipes: [Recipe] { PaellaRecipes.all }

    public static func validate(_ run: RunConfig) throws {
        let spec = try decode(run.model)
        try spec.validate()
        try run.requireRGBText(imageSize: spec.imageSize, family: name)
        guard run.sampling.sampler == .paella else {
            throw TrainError.badSetting("sampling.sampler is \(run.sampling.sampler.rawValue) (paella samples with: paella)")
        }
    }

    public static func makeObjective(_ run: RunConfig, context: ObjectiveContext) throws -> any TrainingObjective {
        try PaellaObjective(run: run, spec: decode(run.model), context: context)
    }

    public static func openPipeline(_ checkpoint: CheckpointFile, spec: ModelSpec, ema: Bool) throws
        -> any GenerationPipeline
    {
        let s = try decode(spec)
        let vq = try FrozenVQ(s.autoencoder)
        var rng = ArrozRandom(seed: 0)
        let net = PaellaNet(s, rng: &rng)
        if ema && checkpoint.hasEMA { try checkpoint.restoreEMA(into: net.layer) } else { try checkpoint.restore(model: net.layer) }
        net.layer.eval()
        return try PaellaPipeline(net: net, spec: s, vq: vq)
    }

    static func decode(_ spec: ModelSpec) throws -> PaellaSpec {
        do {
            return try spec.decode(PaellaSpec.self)
        } catch let e as DecodingError {
            throw TrainError.badSetting("model: \(describe(e))")
        }
    }

    /// The VQ and the network agree: codebook size = num_labels, token grid divisible by the network's multiple.
    static func check(_ spec: PaellaSpec, _ vq: FrozenVQ) throws {
        guard vq.codebookSize == spec.numLabels else {
            throw TrainError.badSetting(
                "model num_labels is \(spec.numLabels) but the autoencoder \(vq.path) has \(vq.codebookSize) codes (set num_labels \(vq.codebookSize))")
        }
        let side = spec.imageSize / vq.factor
        guard side * vq.factor == spec.imageSize, side % spec.gridMultiple == 0 else {
            throw TrainError.badSetting(
                "model.image_size \(spec.imageSize): the autoencoder's \(side)² token grid must divide by \(spec.gridMultiple)")
        }
    }
}

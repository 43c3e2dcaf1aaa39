// VQFamily: the VQ autoencoders (arroz.VQModel, paella.VQModel) as a training family. They do not sample: the
// latent families load their checkpoints (network + `latent2rgb.*` / `code2rgb` preview maps) as a frozen part.
import ArrozModels
import ArrozNN
import ArrozTensor

public enum VQFamily: Family {
    public static let names = ["vq"]

    public static var recipes: [Recipe] { VQRecipes.all }

    static let noSampling =
        "a vq checkpoint is an autoencoder, not a model that samples (the latent generator families load it)"

    public static func validate(_ run: RunConfig) throws {
        let spec = try decode(run.model)
        try spec.validate()
        let f = spec.downsamplingFactor
        guard run.data.channels == 3 else {
            throw TrainError.badSetting("data.channels is \(run.data.channels) but the VQ models take 3 channels (set data.channels to 3: grey is replicated)")
        }
        guard run.data.imageSize % f == 0 else {
            throw TrainError.badSetting("data.imageSize \(run.data.imageSize) must be a multiple of the model's downsampling factor \(f)")
        }
    }

    public static func makeObjective(_ run: RunConfig, context: ObjectiveContext) throws -> any TrainingObjective {
        try VQObjective(run: run, spec: decode(run.model), context: context)
    }

    public static func openPipeline(_ checkpoint: CheckpointFile, spec: ModelSpec, ema: Bool) throws
        -> any GenerationPipeline
    {
        throw TrainError.badSetting(noSampling)
    }

    public static func generates(_ spec: ModelSpec) -> Bool { false }

    /// Opens a vq checkpoint's autoencoder and preview maps, frozen in eval mode (for the latent families).
    public static func openAutoencoder(_ path: String) throws -> VQCheckpointTree {
        let ck = try CheckpointFile(path: path)
        guard names.contains(ck.family) else {
            throw TrainError.badSetting("\(path) is a '\(ck.family)' checkpoint, not a vq autoencoder (train one with `arroz-studio train --recipe emoji-vq`)")
        }
        let spec = try decode(try CheckpointInfo(ck).spec)
        var rng = ArrozRandom(seed: 0)
        let tree = VQCheckpointTree(spec.makeNetwork(rng: &rng), latentChannels: spec.latentChannels,
                                    codebookSize: spec.codebookSize)
        try ck.restore(model: tree)
        tree.eval()
        return tree
    }

    static func decode(_ spec: ModelSpec) throws -> VQSpec {
        do {
            return try spec.decode(VQSpec.self)
        } catch let e as DecodingError {
            throw TrainError.badSetting("model: \(describe(e))")
        }
    }
}

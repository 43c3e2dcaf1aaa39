// ContrastiveFamily: the image encoder whose embeddings share the frozen text encoder's space (what the prior and
// the latent generator condition on, and what `eval prompts` judges samples with). It makes no images.
import ArrozModels
import ArrozNN
import ArrozTensor

public enum ContrastiveFamily: Family {
    public static let names = ["contrastive"]

    public static var recipes: [Recipe] { ContrastiveRecipes.all }

    static let noSampling = "a contrastive checkpoint is an image encoder, not a model that samples"

    public static func validate(_ run: RunConfig) throws {
        let spec = try decode(run.model)
        do { try spec.encoder.validate() } catch let e as ModelConfigError { throw TrainError.badSetting("model: \(e)") }
        guard run.conditioning.kind == .text else {
            throw TrainError.badSetting("conditioning.kind is class but the image encoder trains against text embeddings (set it to text)")
        }
        guard run.data.channels == spec.encoder.inChannels, run.data.imageSize == spec.encoder.imageSize else {
            throw TrainError.badSetting(
                "model.encoder expects \(spec.encoder.inChannels)×\(spec.encoder.imageSize)² images but data gives "
                    + "\(run.data.channels)×\(run.data.imageSize)² (set data.channels and data.imageSize to match)")
        }
        guard run.batchSize >= 2 else { throw TrainError.badSetting("batchSize is \(run.batchSize) (InfoNCE needs 2 or more)") }
        if let h = spec.holdoutEvery, h < 2 { throw TrainError.badSetting("model.holdoutEvery is \(h) (2 or more, or leave it out)") }
    }

    public static func makeObjective(_ run: RunConfig, context: ObjectiveContext) throws -> any TrainingObjective {
        try ContrastiveObjective(run: run, spec: decode(run.model), context: context)
    }

    public static func openPipeline(_ checkpoint: CheckpointFile, spec: ModelSpec, ema: Bool) throws
        -> any GenerationPipeline
    {
        throw TrainError.badSetting(noSampling)
    }

    public static func generates(_ spec: ModelSpec) -> Bool { false }

    /// Opens a contrastive checkpoint's image encoder in eval mode, with the text encoder name its run used.
    public static func openEncoder(_ path: String) throws -> (encoder: ImageEncoder, textEncoder: String) {
        let ck = try CheckpointFile(path: path)
        guard names.contains(ck.family) else {
            throw TrainError.badSetting("\(path) is a '\(ck.family)' checkpoint, not an image encoder (train one with `arroz-studio train --recipe emoji-clip`)")
        }
        let info = try CheckpointInfo(ck)
        let spec = try decode(info.spec)
        var rng = ArrozRandom(seed: 0)
        let enc = ImageEncoder(spec.encoder, rng: &rng)
        try ck.restore(model: enc)
        enc.eval()
        return (enc, info.run?.conditioning.encoder ?? "minilm")
    }

    static func decode(_ spec: ModelSpec) throws -> ContrastiveSpec {
        do {
            return try spec.decode(ContrastiveSpec.self)
        } catch let e as DecodingError {
            throw TrainError.badSetting("model: \(describe(e))")
        }
    }
}

// GaussianFamily: the pixel-space Gaussian diffusion families — Keras U-Net, Arroz generator, DDPM U-Net —
// which differ only in network, process, prediction target, loss and default sampler (ARCHITECTURE §2).
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor

public enum GaussianFamily: Family {
    public static let names = [ModelFamily.keras, .arroz, .ddpm].map(\.rawValue)

    public static var recipes: [Recipe] { GaussianRecipes.all }

    public static func validate(_ run: RunConfig) throws {
        let spec = try decode(run.model)
        try spec.network.validate()
        let (c, s) = spec.network.imageShape
        guard c == run.data.channels, s == run.data.imageSize else {
            throw TrainError.badSetting(
                "model expects \(c)×\(s)×\(s) images but data gives "
                    + "\(run.data.channels)×\(run.data.imageSize)×\(run.data.imageSize) "
                    + "(set data.channels and data.imageSize to match the model)")
        }
        let (process, _) = spec.process.process
        guard run.sampling.sampler.supports(process) else {
            throw TrainError.badSetting(
                "sampling.sampler is \(run.sampling.sampler.rawValue), which cannot run on the \(spec.process.rawValue) "
                    + "process (choices: \(SamplerKind.available(for: process).map(\.rawValue).joined(separator: ", ")))")
        }
        if case .classes = spec.network.conditioningKind, run.conditioning.kind != .class {
            throw TrainError.badSetting("conditioning.kind is text but the network is class-conditional (set it to class)")
        }
    }

    public static func makeObjective(_ run: RunConfig, context: ObjectiveContext) throws -> any TrainingObjective {
        try GaussianObjective(run: run, spec: decode(run.model), context: context)
    }

    public static func openPipeline(_ checkpoint: CheckpointFile, spec: ModelSpec, ema: Bool) throws
        -> any GenerationPipeline
    {
        let s = try decode(spec)
        var rng = ArrozRandom(seed: 0)
        let model = try s.network.makeModel(rng: &rng)
        if ema && checkpoint.hasEMA { try checkpoint.restoreEMA(into: model) } else { try checkpoint.restore(model: model) }
        model.eval()
        return GaussianPipeline(model: model, process: s.process)
    }

    static func decode(_ spec: ModelSpec) throws -> GaussianSpec {
        do {
            return try spec.decode(GaussianSpec.self)
        } catch let e as DecodingError {
            throw TrainError.badSetting("model: \(describe(e))")
        }
    }
}

extension ModelConfig {
    /// How the network is conditioned, without building it.
    var conditioningKind: Conditioning {
        switch self {
        case .keras(let c): c.isClassConditional ? .classes(c.numClasses) : .embedding(c.textDimension)
        case .arroz(let c): .embedding(c.conditionDimension)
        case .ddpm(let c): .embedding(c.condDim)
        }
    }
}

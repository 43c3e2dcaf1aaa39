// PriorFamily: Arroz Con Cosas' prior (text embedding → image embedding). It makes no images by itself: an
// emoji-latent run names its checkpoint (`prior`) and samples it inside the text → image chain.
import ArrozModels
import ArrozNN

public enum PriorFamily: Family {
    public static let names = [PriorSpec.familyName]

    public static var recipes: [Recipe] { PriorRecipes.all }

    static let notAnImageModel = TrainError.badSetting(
        "a prior makes image embeddings, not images (name its checkpoint as \"prior\" in an emoji-latent model config)")

    public static func validate(_ run: RunConfig) throws {
        let spec = try PriorSpec.decode(run.model)
        try spec.prior.validate()
        guard run.conditioning.kind == .text else {
            throw TrainError.badSetting("conditioning.kind must be text for a prior (it maps caption embeddings)")
        }
        guard spec.samplingSteps >= 1, spec.samplingCFG.isFinite, spec.scale > 0 else {
            throw TrainError.badSetting("model.samplingSteps must be ≥ 1, samplingCFG finite, embeddingScale > 0")
        }
    }

    public static func makeObjective(_ run: RunConfig, context: ObjectiveContext) throws -> any TrainingObjective {
        try PriorObjective(run: run, spec: PriorSpec.decode(run.model), context: context)
    }

    public static func openPipeline(_ checkpoint: CheckpointFile, spec: ModelSpec, ema: Bool) throws
        -> any GenerationPipeline
    { throw notAnImageModel }

    public static func generates(_ spec: ModelSpec) -> Bool { false }
}

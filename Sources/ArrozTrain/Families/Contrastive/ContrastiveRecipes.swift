// ContrastiveRecipes: the image encoder on emoji 32² against frozen MiniLM embeddings of the CLDR names, every
// 10th emoji held out for retrieval.
import ArrozModels

enum ContrastiveRecipes {
    static let all: [Recipe] = [
        ("emoji-clip", "Image encoder (widths 32/64/128) on emoji 32², CLIP InfoNCE against frozen MiniLM names; every 10th emoji held out"),
    ].map { name, summary in Recipe(name, summary) { try make(name, runName: $0) } }

    static func make(_ name: String, runName run: String) throws -> RunConfig {
        guard name == "emoji-clip" else { throw TrainError.unknownRecipe(name, known: all.map(\.name)) }
        var c = RunConfig(name: run, recipe: name, model: try ContrastiveSpec(holdoutEvery: 10).spec)
        c.data.dataset = "emoji"
        c.data.channels = 3
        c.data.imageSize = 32
        c.conditioning.kind = .text
        c.conditioning.encoder = "minilm"
        c.conditioning.dropout = 0
        var o = OptimizerConfig()
        o.kind = .adamw
        o.lr = 1e-3
        o.weightDecay = 0.05
        o.warmupSteps = 100
        o.gradClip = 1
        c.optimizer = o
        c.batchSize = 64
        c.steps = 3000
        c.sampleEvery = 250
        c.checkpointEvery = 250
        return c
    }
}

// PriorRecipes: emoji-prior — the §6 PriorModel on Noto emoji captions (MiniLM) → emoji-clip image embeddings.
import ArrozDiffusion
import ArrozModels

enum PriorRecipes {
    static let all: [Recipe] = [
        Recipe(
            "emoji-prior",
            "Arroz prior (PriorModel §6 at clip_r 384, 1.45M): MiniLM caption → emoji-clip image embedding; needs emoji-clip trained first"
        ) { try make(runName: $0) },
    ]

    /// seeds.md §6 `PriorModel(clip_r=384, c_hidden=128, c_r=16, num_blocks=4)`; the encoder checkpoint is
    /// the emoji-clip run's; Arroz optimizer (AdamW 3e-4, warmup, clip 5, EMA); CFG dropout 10 % per sample.
    static func make(runName run: String) throws -> RunConfig {
        let spec = PriorSpec(prior: .tiny(embedding: 384), imageEncoder: "runs/emoji-clip/checkpoints/latest.safetensors")
        var c = RunConfig(name: run, recipe: "emoji-prior", model: try spec.spec)
        c.data.dataset = "emoji"
        c.data.channels = 3
        c.data.imageSize = 32
        c.conditioning.kind = .text
        c.conditioning.dropout = 0.1
        c.optimizer = GaussianRecipes.arroz()
        c.batchSize = 64
        c.steps = 20_000
        c.sampleEvery = 500
        return c
    }
}

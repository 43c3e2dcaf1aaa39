// LatentRecipes: emoji-latent — the §6 Arroz generator on emoji-vq's 8²×4 latents, conditioned on emoji-clip's
// image embeddings (text at sampling time through emoji-prior when that run exists).
import ArrozDiffusion
import ArrozModels

enum LatentRecipes {
    static let all: [Recipe] = [
        Recipe(
            "emoji-latent",
            "Arroz generator (§6 at c_embd 384, 2.0M) on emoji-vq latents 8²×4, conditioned on emoji-clip IMAGE embeddings "
                + "(prompts via emoji-prior); needs emoji-vq and emoji-clip trained first"
        ) { try make(runName: $0) },
    ]

    static let autoencoder = "runs/emoji-vq/checkpoints/latest.safetensors"
    static let imageEncoder = "runs/emoji-clip/checkpoints/latest.safetensors"
    static let prior = "runs/emoji-prior/checkpoints/latest.safetensors"

    /// seeds.md §6: `DiffusionModel(c_in=4, c_hidden=128, c_r=16, c_embd=384, down_levels=[2,4],
    /// up_levels=[4,2])` at 8² (Arroz VQ tiny32: 32² → 8²×4); Diffuzz ε/MSE; CFG dropout 10 % per batch (the
    /// seed's `if np.random.rand() < 0.1: clip_embeddings = zeros`); Arroz optimizer; DDIM 20 at CFG 3.
    static func make(runName run: String) throws -> RunConfig {
        var g = ArrozConfig()
        (g.inChannels, g.imageSize, g.hidden, g.rEmbedding, g.conditionDimension) = (4, 8, 128, 16, 384)
        (g.downLevels, g.upLevels) = ([2, 4], [4, 2])
        let spec = LatentSpec(generator: g, autoencoder: autoencoder, imageEncoder: imageEncoder, prior: prior)
        var c = RunConfig(name: run, recipe: "emoji-latent", model: try spec.spec)
        c.data.dataset = "emoji"
        c.data.channels = 3
        c.data.imageSize = 32
        c.conditioning.kind = .text
        c.conditioning.dropout = 0.1
        c.conditioning.perBatch = true
        c.optimizer = GaussianRecipes.arroz()
        c.sampling = SamplingDefaults(sampler: .ddim, steps: 20, cfg: 3)
        c.steps = 20_000
        c.previewPrompts = ["red apple", "fire engine", "smiling face with sunglasses", "green heart"]
        return c
    }
}

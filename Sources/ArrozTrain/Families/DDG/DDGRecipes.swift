// DDGRecipes: the cclddg GAN on the emoji VQ's 8²×4 latents (seeds.md §6's small generator/discriminator).
import ArrozDiffusion
import ArrozModels

enum DDGRecipes {
    static let all: [Recipe] = [
        Recipe("emoji-ddg", "Denoising diffusion GAN (cclddg small) on the emoji VQ's latents, 4-step samples; needs recipe emoji-vq trained first") {
            try make("emoji-ddg", runName: $0)
        }
    ]

    static func make(_ name: String, runName run: String, autoencoder: String = PaellaRecipes.emojiVQ) throws -> RunConfig {
        guard name == "emoji-ddg" else { throw TrainError.unknownRecipe(name, known: all.map(\.name)) }
        // seeds.md §6: UNet(image_channels=4, n_channels=32, ch_mults=(1,2,2), is_attn=(0,0,1), n_blocks=1, z_dim=8,
        // n_z_channels=16, n_cloob_channels=64), cloob_dim 384 (MiniLM). n_groups 8, not the seed's 32: with 32
        // groups the 32-wide first level normalises each channel alone and erases t, c and z (issue-12-tokens.md).
        var g = DDGConfig.smallGenerator
        g.imageChannels = (try? FrozenVQ(AutoencoderRef(path: autoencoder)))?.latentChannels ?? 4
        g.nGroups = 8
        var spec = DDGSpec(generator: g, autoencoder: AutoencoderRef(path: autoencoder), imageSize: 32)
        spec.warmupSteps = 150  // ≈ 5 CPU minutes of reconstruction alone; 12-minute runs then see ~200 adversarial steps
        var c = RunConfig(name: run, recipe: name, model: try spec.spec)
        c.data.dataset = "emoji"
        c.data.channels = 3
        c.data.imageSize = 32
        c.conditioning.kind = .text
        c.conditioning.dropout = 0.1  // cclddg pct_zeros, per sample
        c.conditioning.perBatch = false
        var o = OptimizerConfig()
        o.kind = .adamw
        o.lr = 1e-4  // generator; the discriminator's 4e-5 is model.lr_disc
        o.weightDecay = 1e-6
        o.warmupSteps = 0
        o.emaDecay = 0.999
        o.emaStart = 500
        c.optimizer = o
        c.sampling = SamplingDefaults(sampler: .ddg, steps: 4, cfg: 2)
        c.steps = 20_000
        c.previewPrompts = ["red apple", "fire engine", "smiling face with sunglasses", "green heart"]
        return c
    }
}

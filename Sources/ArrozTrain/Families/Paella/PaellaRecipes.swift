// PaellaRecipes: Paella v3 on the emoji VQ's tokens (seeds.md §6's small config, MiniLM-conditioned).
import ArrozDiffusion
import ArrozModels
import Foundation

enum PaellaRecipes {
    /// The emoji VQ run's checkpoint (recipe emoji-vq), which the token and latent recipes read.
    static let emojiVQ = "runs/emoji-vq/checkpoints/latest.safetensors"

    static let all: [Recipe] = [
        Recipe("emoji-paella", "Paella v3 (small) on the emoji VQ's 8² tokens, MiniLM; needs recipe emoji-vq trained first") {
            try make("emoji-paella", runName: $0)
        },
        Recipe("emoji-paella-v1", "Paella v1 DenoiseUNet (small) on the emoji VQ's tokens; needs recipe emoji-vq trained first") {
            try make("emoji-paella-v1", runName: $0)
        },
    ]

    /// The codebook size of the autoencoder at `path` when it is there (else the tiny32 VQ's 512).
    static func codebookSize(_ path: String) -> Int {
        (try? FrozenVQ(AutoencoderRef(path: path)))?.codebookSize ?? 512
    }

    static func make(_ name: String, runName run: String, autoencoder: String = emojiVQ) throws -> RunConfig {
        let ref = AutoencoderRef(path: autoencoder)
        let K = codebookSize(autoencoder)
        let spec: PaellaSpec
        switch name {
        case "emoji-paella":
            // seeds.md §6: Paella(c_in=32, c_out=32, num_labels=512, c_r=16, patch_size=1, c_cond=64,
            // c_hidden=[64,128], nhead=[-1,4], blocks=[2,2], CT/CTA), MiniLM 384 in both text slots.
            var p = PaellaConfig.small
            p.numLabels = K
            spec = PaellaSpec(v3: p, autoencoder: ref, imageSize: 32)
        case "emoji-paella-v1":
            var p = PaellaV1Config.small
            p.numLabels = K
            p.cClip = 384
            spec = PaellaSpec(v1: p, autoencoder: ref, imageSize: 32)
        default:
            throw TrainError.unknownRecipe(name, known: all.map(\.name))
        }
        var c = RunConfig(name: run, recipe: name, model: try spec.spec)
        c.data.dataset = "emoji"
        c.data.channels = 3
        c.data.imageSize = 32
        c.conditioning.kind = .text
        c.conditioning.dropout = 0.1
        c.conditioning.perBatch = true  // Paella drops the whole batch's conditioning (seeds.md §0.4)
        var o = OptimizerConfig()
        o.kind = .adamw
        o.lr = 3e-4
        o.warmupSteps = 200
        o.gradClip = 1
        o.emaDecay = 0.999
        o.emaStart = 500
        c.optimizer = o
        c.sampling = SamplingDefaults(sampler: .paella, steps: 12, cfg: 4)
        c.steps = 20_000
        c.previewPrompts = ["red apple", "fire engine", "smiling face with sunglasses", "green heart"]
        return c
    }
}

// DDGSpec: the denoising-diffusion-GAN family's config (johnowhitaker/cclddg, seeds.md §3) — generator and
// discriminator networks under upstream names, the frozen VQ whose quantised latents they model, the 5-step
// β 0.3 → 0.9 schedule, both learning rates, the reconstruction warm-up and lazy R1.
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor

public struct DDGSpec: Codable, Hashable, Sendable {
    /// `cclddg.UNet` (image_channels = the VQ's latent channels, cloob_dim = the text encoder's width).
    public var generator: DDGConfig
    /// `cclddg.Discriminator` on x_t ⊕ x_{t−1} (image_channels = 2 × latent channels).
    public var discriminator: DDGConfig
    public var autoencoder: AutoencoderRef
    public var imageSize: Int
    /// N (`n_steps`, cclddg 5): β = linspace(betaStart, betaEnd, N).
    public var nSteps: Int
    public var betaStart: Double
    public var betaEnd: Double
    /// λ of MSE(x̂₀, x₀) (`recon_loss_scale`, 1).
    public var reconScale: Float
    /// Generator steps with the reconstruction loss alone before the adversarial term joins (D trains throughout).
    public var warmupSteps: Int
    /// R1 γ and interval (NVlabs DDGAN: 0.02 every 15 steps; 0 turns it off).
    public var r1Gamma: Float
    public var r1Every: Int
    /// The discriminator's learning rate at the run's base lr (cclddg: G 1e-4 = optimizer.lr, D 4e-5); the
    /// warm-up schedule scales both alike.
    public var discriminatorLR: Float

    enum CodingKeys: String, CodingKey {
        case generator, discriminator, autoencoder, imageSize = "image_size", nSteps = "n_steps"
        case betaStart = "beta_start", betaEnd = "beta_end", reconScale = "recon_loss_scale"
        case warmupSteps = "warmup_steps", r1Gamma = "r1_gamma", r1Every = "r1_every", discriminatorLR = "lr_disc"
    }

    public init(generator: DDGConfig, autoencoder: AutoencoderRef, imageSize: Int) {
        self.generator = generator
        var d = generator
        d.imageChannels = 2 * generator.imageChannels
        discriminator = d
        self.autoencoder = autoencoder
        self.imageSize = imageSize
        nSteps = 5
        betaStart = 0.3
        betaEnd = 0.9
        reconScale = 1
        warmupSteps = 500
        r1Gamma = 0.02
        r1Every = 15
        discriminatorLR = 4e-5
    }

    public var spec: ModelSpec { get throws { try ModelSpec(family: DDGFamily.name, config: self) } }

    /// The first `steps` βs of the N-step schedule (steps ≤ N): sampling with fewer steps starts at t = steps,
    /// on the same ᾱ table the generator trained on.
    func schedule(steps: Int? = nil) -> DiscreteSchedule {
        let s = steps ?? nSteps
        let end = nSteps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * Double(s - 1) / Double(nSteps - 1)
        return DiscreteSchedule(.linear(start: betaStart, end: end), steps: s)
    }

    func validate() throws {
        try generator.validate()
        try discriminator.validate()
        guard discriminator.imageChannels == 2 * generator.imageChannels else {
            throw TrainError.badSetting(
                "model.discriminator.image_channels is \(discriminator.imageChannels) (it reads x_t ⊕ x_{t−1}: set it to \(2 * generator.imageChannels))")
        }
        guard generator.cloobDim == discriminator.cloobDim else {
            throw TrainError.badSetting("model: generator and discriminator cloob_dim differ (\(generator.cloobDim) vs \(discriminator.cloobDim))")
        }
        guard (2...50).contains(nSteps) else { throw TrainError.badSetting("model.n_steps: \(nSteps) is not valid (2 to 50)") }
        guard betaStart > 0, betaEnd < 1, betaStart <= betaEnd else {
            throw TrainError.badSetting("model.beta_start/beta_end: \(betaStart) → \(betaEnd) is not valid (0 < start ≤ end < 1)")
        }
        guard warmupSteps >= 0, r1Every >= 1, r1Gamma >= 0, discriminatorLR > 0, reconScale >= 0 else {
            throw TrainError.badSetting("model: warmup_steps ≥ 0, r1_every ≥ 1, r1_gamma ≥ 0, lr_disc > 0 and recon_loss_scale ≥ 0")
        }
    }
}

/// The checkpoint's tree: `generator.*` (cclddg.UNet) and `discriminator.*` (cclddg.Discriminator).
final class DDGNets: Layer {
    let generator: DDGUNet
    let discriminator: DDGDiscriminator
    var isTraining = true

    init(_ spec: DDGSpec, rng: inout ArrozRandom) {
        generator = DDGUNet(spec.generator, rng: &rng)
        discriminator = DDGDiscriminator(spec.discriminator, rng: &rng)
    }

    func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    func visitChildren(_ visit: (String, any Layer) -> Void) {
        visit("generator", generator)
        visit("discriminator", discriminator)
    }
}

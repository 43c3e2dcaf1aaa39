// ModelFamily: the seed families arroz-studio re-implements (ARCHITECTURE §2), as stored in checkpoints.

/// A model family. New cases go only at the end: checkpoints store the raw value.
public enum ModelFamily: String, Codable, Sendable, CaseIterable {
    /// apapiu/guided-diffusion-keras U-Net (pixels, x₀-prediction, x_σ = (1−σ)x + σε).
    case keras
    /// Arroz Con Cosas generator (ε-prediction, cosine ᾱ(t)).
    case arroz
    /// Arroz Con Cosas embedding prior.
    case prior
    /// Paella token diffusion.
    case paella
    /// cclddg denoising diffusion GAN.
    case ddg
    /// The standard DDPM U-Net of shared/bench/unet_ref.py (our speed yardstick).
    case ddpm
}

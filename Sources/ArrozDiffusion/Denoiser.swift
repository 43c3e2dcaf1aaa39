// Denoiser: the one seam between models and samplers — a closure from (x_t, t, conditioning) to a prediction.
import ArrozTensor

/// What a network predicts; samplers convert it to x̂₀ and ε with the noise process's formulas.
public enum Prediction: String, Codable, Sendable {
    /// ε-prediction (Arroz, DDPM).
    case epsilon
    /// x₀-prediction (Keras seed).
    case x0
}

/// A denoiser: `x` `[N, C, H, W]` noisy input, `t` `[N]` noise level in the process's own units,
/// `cond` the conditioning tensor for those N rows (nil = unconditional). Samplers never import models.
public typealias Denoiser = (_ x: Tensor, _ t: Tensor, _ cond: Tensor?) -> Tensor

// Adam: torch.optim.Adam (L2 weight decay through the gradient), with Keras's ε placement as an option.
import ArrozTensor

/// `torch.optim.Adam`: g ← g + λ·θ, then the bias-corrected Adam step. Defaults are PyTorch's (lr 1e-3,
/// betas (0.9, 0.999), eps 1e-8, no weight decay). For the guided-diffusion-keras seed use
/// `Adam.keras(...)`: eps 1e-7 added to the raw √v with the bias correction folded into the step size, as
/// `tf.keras.optimizers.Adam` does. The update itself is `adamUpdate` in AdamState.swift.
public final class Adam: AdamFamilyOptimizer {
    public let kind = "adam"
    public var lr: Float
    public var beta1: Float
    public let beta2: Float
    public let eps: Float
    public let weightDecay: Float
    public let epsilon: AdamEpsilon
    public let parameters: [NamedParameter]
    public let states: [AdamState]

    public init(
        _ parameters: [NamedParameter], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        eps: Float = 1e-8, weightDecay: Float = 0, epsilon: AdamEpsilon = .pytorch
    ) {
        precondition(lr >= 0 && eps >= 0 && weightDecay >= 0, "Adam: lr \(lr), eps \(eps), wd \(weightDecay)")
        precondition(
            (0..<1).contains(betas.0) && (0..<1).contains(betas.1), "Adam: betas \(betas) outside [0, 1)")
        self.lr = lr
        beta1 = betas.0
        beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        self.epsilon = epsilon
        self.parameters = parameters
        states = parameters.map { AdamState(shape: $0.tensor.shape) }
    }

    /// Optimizes the trainable parameters of `model`, named as in its state_dict.
    public convenience init(
        _ model: Layer, lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
        weightDecay: Float = 0, epsilon: AdamEpsilon = .pytorch
    ) {
        self.init(
            trainableNamed(model), lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, epsilon: epsilon)
    }

    /// Unnamed tensors get the names "0", "1", ….
    public convenience init(
        tensors: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
        weightDecay: Float = 0, epsilon: AdamEpsilon = .pytorch
    ) {
        self.init(
            indexNamed(tensors), lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, epsilon: epsilon)
    }

    /// `tf.keras.optimizers.Adam` defaults (lr 1e-3, betas (0.9, 0.999), epsilon 1e-7, ε on the raw √v).
    public static func keras(_ parameters: [NamedParameter], lr: Float = 1e-3) -> Adam {
        Adam(parameters, lr: lr, eps: 1e-7, epsilon: .keras)
    }

    public func step() {
        for (p, s) in zip(parameters, states) {
            Preemption.poll()
            guard let g = p.tensor.grad else { continue }
            adamUpdate(
                param: p.tensor, grad: g, state: s, lr: lr, beta1: beta1, beta2: beta2, eps: eps,
                weightDecay: weightDecay, decay: .l2, epsilon: epsilon)
        }
    }
}

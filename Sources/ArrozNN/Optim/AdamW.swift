// AdamW: Adam with decoupled weight decay, PyTorch's torch.optim.AdamW defaults and update order.
import ArrozTensor

/// `torch.optim.AdamW` (Loshchilov & Hutter): θ ← θ·(1 − lr·λ), then the bias-corrected Adam step with ε
/// outside the square root. Defaults are PyTorch's: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0.01.
/// The update itself is `adamUpdate` in AdamState.swift.
public final class AdamW: AdamFamilyOptimizer {
    public let kind = "adamw"
    public var lr: Float
    public var beta1: Float
    public let beta2: Float
    public let eps: Float
    public let weightDecay: Float
    public let parameters: [NamedParameter]
    public let states: [AdamState]

    public init(
        _ parameters: [NamedParameter], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        eps: Float = 1e-8, weightDecay: Float = 0.01
    ) {
        precondition(
            lr >= 0 && eps >= 0 && weightDecay >= 0, "AdamW: lr \(lr), eps \(eps), wd \(weightDecay)")
        precondition(
            (0..<1).contains(betas.0) && (0..<1).contains(betas.1), "AdamW: betas \(betas) outside [0, 1)")
        self.lr = lr
        beta1 = betas.0
        beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        self.parameters = parameters
        states = parameters.map { AdamState(shape: $0.tensor.shape) }
    }

    /// Optimizes the trainable parameters of `model`, named as in its state_dict.
    public convenience init(
        _ model: Layer, lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
        weightDecay: Float = 0.01
    ) {
        self.init(trainableNamed(model), lr: lr, betas: betas, eps: eps, weightDecay: weightDecay)
    }

    /// Unnamed tensors get the names "0", "1", ….
    public convenience init(
        tensors: [Tensor], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
        weightDecay: Float = 0.01
    ) {
        self.init(indexNamed(tensors), lr: lr, betas: betas, eps: eps, weightDecay: weightDecay)
    }

    public func step() {
        for (p, s) in zip(parameters, states) {
            Preemption.poll()
            guard let g = p.tensor.grad else { continue }
            adamUpdate(
                param: p.tensor, grad: g, state: s, lr: lr, beta1: beta1, beta2: beta2, eps: eps,
                weightDecay: weightDecay, decay: .decoupled, epsilon: .pytorch)
        }
    }
}

// Optimizer: the protocol the training loop drives (step, zeroGrad, lr) and the Adam-family state.
import ArrozTensor

/// A parameter that an optimizer updates, under its state_dict name (used for checkpoint keys).
public typealias NamedParameter = (name: String, tensor: Tensor)

/// Something that updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    /// The learning rate used by the next `step()` (schedules set it before each step).
    var lr: Float { get set }
    /// The parameters, in a fixed order, under their state_dict names.
    var parameters: [NamedParameter] { get }
    /// One update from the current gradients. Parameters without a gradient are skipped (as PyTorch does).
    func step()
}

extension Optimizer {
    /// Drops every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`, the default since 2.0).
    public func zeroGrad() {
        for p in parameters { p.tensor.grad = nil }
    }
}

/// An Adam-family optimizer: per-parameter `exp_avg`, `exp_avg_sq` and `step`, exposed for checkpoints.
public protocol AdamFamilyOptimizer: Optimizer {
    /// `"adamw"` or `"adam"`, recorded in checkpoints so a resume builds the same optimizer.
    var kind: String { get }
    var beta1: Float { get set }
    var beta2: Float { get }
    var eps: Float { get }
    var weightDecay: Float { get }
    /// One state per entry of `parameters`, same order.
    var states: [AdamState] { get }
}

/// Names every parameter "0", "1", … (PyTorch's optimizer state_dict uses these integer ids).
func indexNamed(_ tensors: [Tensor]) -> [NamedParameter] {
    tensors.enumerated().map { (name: String($0.offset), tensor: $0.element) }
}

/// The trainable parameters of a layer (those with `requiresGrad`), with names. A tensor visited under two
/// names (tied weights) is kept once, under its first name, as `nn.Module.parameters()` deduplicates; otherwise
/// it would be updated twice per step.
func trainableNamed(_ model: Layer) -> [NamedParameter] {
    var seen = Set<ObjectIdentifier>()
    return model.namedParameters().filter { $0.1.requiresGrad && seen.insert(ObjectIdentifier($0.1)).inserted }
        .map { (name: $0.0, tensor: $0.1) }
}

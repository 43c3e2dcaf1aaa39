// Layer: the protocol every module implements — parameters listed by hand under PyTorch state_dict names.
import ArrozTensor

/// A module with parameters and buffers listed under the names the seeds' PyTorch `state_dict` uses.
///
/// No reflection (house rule 5): each layer calls `visit` for its own tensors and prefixes its children's names,
/// e.g. `norm1.weight`. Buffers (running statistics) are visited too, because checkpoints carry them.
public protocol Layer: AnyObject {
    /// Calls `visit(name, tensor)` for every parameter and buffer, in a fixed order.
    func visitParameters(_ visit: (String, Tensor) -> Void)
    /// Whether the layer is in training mode (dropout active, batch statistics). Containers forward it.
    var isTraining: Bool { get set }
}

extension Layer {
    /// All `(name, tensor)` pairs in visit order.
    public func namedParameters() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        visitParameters { out.append(($0, $1)) }
        return out
    }

    /// The tensors that train (those with `requiresGrad`).
    public func trainableParameters() -> [Tensor] {
        namedParameters().map(\.1).filter(\.requiresGrad)
    }

    /// Total element count of all visited tensors.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.count } }

    /// Forwards a child's parameters with `prefix.` prepended.
    public func visit(_ child: Layer?, _ prefix: String, _ visit: (String, Tensor) -> Void) {
        child?.visitParameters { visit(prefix + "." + $0, $1) }
    }

    public func train() { isTraining = true }
    public func eval() { isTraining = false }
}

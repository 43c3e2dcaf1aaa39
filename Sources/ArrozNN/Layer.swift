// Layer: the protocol every module implements — a tree of layers, each naming its own tensors and its children
// under PyTorch state_dict names; parameters, train/eval mode and checkpoint names all derive from the tree.
import ArrozTensor

/// A module with parameters and buffers under the names the seeds' PyTorch `state_dict` uses.
///
/// No reflection (house rule 5): a layer lists its own tensors (`visitOwnTensors`) and its direct children
/// (`visitChildren`) by hand, in PyTorch registration order; everything else — `namedParameters()` with
/// `norm1.weight`-style names, `train()` / `eval()` over the whole tree — is derived from those two, so no
/// container keeps a second list of its layers in step by hand. Buffers (running statistics) are tensors too,
/// because checkpoints carry them.
public protocol Layer: AnyObject {
    /// Calls `visit(name, tensor)` for this layer's own parameters and buffers (not its children's).
    func visitOwnTensors(_ visit: (String, Tensor) -> Void)
    /// Calls `visit(prefix, child)` for every direct child, in a fixed order (`"norm1"`, `"down_blocks.1.0"`;
    /// `""` for a wrapper whose child's names are its own).
    func visitChildren(_ visit: (String, any Layer) -> Void)
    /// This layer's own training flag (dropout active, batch statistics); `train()` / `eval()` set the tree's.
    var isTraining: Bool { get set }
}

extension Layer {
    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {}
    public func visitChildren(_ visit: (String, any Layer) -> Void) {}

    /// Every parameter and buffer of the tree, own tensors first, then each child's under `prefix.`
    /// (the order of PyTorch's `state_dict()`).
    public func visitParameters(_ visit: (String, Tensor) -> Void) {
        visitOwnTensors(visit)
        visitChildren { prefix, child in
            child.visitParameters { visit(prefix.isEmpty ? $0 : prefix + "." + $0, $1) }
        }
    }

    /// Every layer of the tree (this one first), depth first.
    public func visitLayers(_ visit: (any Layer) -> Void) {
        visit(self)
        visitChildren { _, child in child.visitLayers(visit) }
    }

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

    /// Sets the training flag of every layer in the tree.
    public func setTraining(_ training: Bool) { visitLayers { $0.isTraining = training } }
    public func train() { setTraining(true) }
    public func eval() { setTraining(false) }
}

/// Visits an optional child: `visit(child, "proj", visit)` inside `visitChildren` does nothing when it is nil.
@inline(__always)
public func visit(_ child: (any Layer)?, _ prefix: String, _ visit: (String, any Layer) -> Void) {
    if let child { visit(prefix, child) }
}

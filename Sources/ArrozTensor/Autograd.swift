// Autograd: the backward graph (micrograd's shape), iterative topological sort, grad accumulation, no-grad mode.
import Foundation

/// The record an op leaves on its output: its inputs and how to push the output gradient into them.
final class Node {
    let name: String
    let inputs: [Tensor]
    /// Receives the output's gradient and accumulates (`+=`) into the inputs that require grad.
    let backward: (Tensor) -> Void

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor) -> Void) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

/// Per-thread switch for recording graphs (PyTorch's `torch.no_grad()`).
public enum GradMode {
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    /// Whether ops on this thread record backward nodes.
    public static var isEnabled: Bool {
        pthread_getspecific(key) == nil
    }

    static func set(enabled: Bool) {
        // A non-nil value means "disabled"; the default (nil) is enabled.
        pthread_setspecific(key, enabled ? nil : UnsafeRawPointer(bitPattern: 1))
    }
}

/// Runs `body` without recording any backward graph (sampling, evaluation, optimizer updates).
@discardableResult
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    let was = GradMode.isEnabled
    GradMode.set(enabled: false)
    defer { GradMode.set(enabled: was) }
    return try body()
}

extension Tensor {
    /// Builds an op's output and, when grad mode is on and an input requires grad, records its backward.
    ///
    /// `backward` receives the output gradient; it must accumulate into `input.grad` via `accumulateGrad`.
    public static func result(
        _ name: String, shape: [Int], storage: Storage, inputs: [Tensor],
        backward: @escaping (Tensor) -> Void
    ) -> Tensor {
        Preemption.poll()
        let out = Tensor(storage: storage, shape: shape)
        if GradMode.isEnabled && inputs.contains(where: { $0.requiresGrad }) {
            out.requiresGrad = true
            out.node = Node(name: name, inputs: inputs, backward: backward)
        }
        return out
    }

    /// Adds into this tensor's gradient through `body`, creating a zero gradient first if needed.
    /// Does nothing for tensors that do not require grad.
    @inlinable public func accumulateGrad(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        guard requiresGrad else { return }
        if grad == nil { grad = Tensor(shape: shape, repeating: 0) }
        if let g = grad { body(g.mutableData) }
    }

    /// Adds `g` (same element count) into this tensor's gradient.
    public func accumulateGrad(_ g: Tensor) {
        precondition(g.count == count, "accumulateGrad: \(g.shape) into \(shape)")
        accumulateGrad { dst in
            let src = g.data
            for i in 0..<dst.count { dst[i] += src[i] }
        }
    }

    /// Reverse-mode sweep from this tensor. A scalar output seeds with 1; otherwise pass `gradient`.
    ///
    /// Visits nodes in reverse topological order (iterative DFS, so deep graphs cannot overflow the stack),
    /// calls each node's backward once with its complete gradient, then drops intermediate gradients and the
    /// graph (PyTorch's `retain_graph=False`). Leaf gradients stay and accumulate across calls.
    public func backward(gradient: Tensor? = nil) {
        precondition(requiresGrad, "backward: tensor \(shape) does not require grad")
        if let g = gradient {
            precondition(g.shape == shape, "backward: gradient \(g.shape) for tensor \(shape)")
            accumulateGrad(g)
        } else {
            precondition(count == 1, "backward: non-scalar output \(shape) needs an explicit gradient")
            accumulateGrad { $0[0] += 1 }
        }
        // Iterative post-order DFS.
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (t, i) = stack.popLast() {
            guard let node = t.node else {
                order.append(t)
                continue
            }
            if i < node.inputs.count {
                stack.append((t, i + 1))
                let child = node.inputs[i]
                if child.requiresGrad && !visited.contains(ObjectIdentifier(child)) {
                    visited.insert(ObjectIdentifier(child))
                    stack.append((child, 0))
                }
            } else {
                order.append(t)
            }
        }
        withNoGrad {
            for t in order.reversed() {
                guard let node = t.node else { continue }
                if let g = t.grad { node.backward(g) }
                Preemption.poll()
                t.node = nil
                if t !== self { t.grad = nil }
            }
        }
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }
}

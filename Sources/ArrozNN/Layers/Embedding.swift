// Embedding and Dropout layers: torch.nn.Embedding (with padding_idx) and torch.nn.Dropout.
import ArrozTensor

/// `torch.nn.Embedding(V, D, padding_idx)`: float ids of any shape → `ids.shape + [D]`.
///
/// Parameters: `weight` `[V, D]`, initialised N(0, 1) with the `paddingIndex` row zeroed. As in PyTorch, the
/// padding row receives no gradient (its value is still returned, whatever it holds).
public final class Embedding: UnaryLayer {
    public let count: Int
    public let dim: Int
    public let paddingIndex: Int?
    public let weight: Tensor
    public var isTraining = true

    public init(_ count: Int, _ dim: Int, paddingIndex: Int? = nil, rng: inout ArrozRandom) {
        precondition(count > 0 && dim > 0, "Embedding: bad sizes \(count) × \(dim)")
        if let p = paddingIndex {
            precondition(p >= 0 && p < count, "Embedding: padding index \(p) of \(count)")
        }
        self.count = count
        self.dim = dim
        self.paddingIndex = paddingIndex
        weight = Tensor.zeros([count, dim], requiresGrad: true)
        Init.normal(weight, rng: &rng)
        if let p = paddingIndex {
            for j in 0..<dim { weight.mutableData[p * dim + j] = 0 }
        }
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) { visit("weight", weight) }

    /// `ids` (float class indices, any shape) → `ids.shape + [D]`.
    public func callAsFunction(_ ids: Tensor) -> Tensor {
        guard let p = paddingIndex, ids.data.contains(Float(p)) else {
            return embedding(indices: ids, weight: weight)
        }
        // Padding positions read the row through a view without history, so no gradient reaches it.
        let isPad = Tensor(ids.scalars.map { $0 == Float(p) ? 1 : 0 }, shape: ids.shape + [1])
        let trained = embedding(indices: ids, weight: weight) * (1 - isPad)
        return trained + embedding(indices: ids, weight: weight.detachedShared()) * isPad
    }
}

/// `torch.nn.Dropout(p)`: in training zeroes each element with probability p and scales the rest by 1/(1−p);
/// the identity in eval. Draws from the caller's generator, or from its own `generator` (forked at init).
public final class Dropout: UnaryLayer {
    public let p: Float
    public var generator: ArrozRandom
    public var isTraining = true

    public init(_ p: Float = 0.5, rng: inout ArrozRandom) {
        precondition(p >= 0 && p <= 1, "Dropout: probability \(p) outside [0, 1]")
        self.p = p
        generator = ArrozRandom(seed: rng.next())
    }

    public func callAsFunction(_ x: Tensor, rng: inout ArrozRandom) -> Tensor {
        dropout(x, p: p, training: isTraining, rng: &rng)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { callAsFunction(x, rng: &generator) }
}

// MultiheadAttention: torch.nn.MultiheadAttention (batch_first=True) over the fused multiHeadAttention op.
import ArrozTensor

/// `torch.nn.MultiheadAttention(E, heads, dropout, bias, batch_first=True)` with kdim = vdim = E.
///
/// Parameters (state_dict order): `in_proj_weight` `[3E, E]` (xavier-uniform), `in_proj_bias` `[3E]` (0),
/// `out_proj.weight` `[E, E]` (nn.Linear's default, U(±1/√E)), `out_proj.bias` `[E]` (0); the biases are
/// absent with `bias: false`. Dropout on the attention probabilities applies only in training; it draws from
/// the caller's generator, or from `generator` (forked from the init generator) in the overload without one.
public final class MultiheadAttention: Layer {
    public let embedDim: Int
    public let heads: Int
    public let dropout: Float
    public let inProjWeight: Tensor
    public let inProjBias: Tensor?
    public let outProjWeight: Tensor
    public let outProjBias: Tensor?
    /// The layer's own generator for dropout when no generator is passed.
    public var generator: ArrozRandom
    public var isTraining = true

    public init(_ embedDim: Int, heads: Int, dropout: Float = 0, bias: Bool = true, rng: inout ArrozRandom) {
        precondition(
            embedDim > 0 && heads > 0 && embedDim % heads == 0,
            "MultiheadAttention: embed width \(embedDim) does not split into \(heads) heads")
        precondition(dropout >= 0 && dropout < 1, "MultiheadAttention: dropout \(dropout) outside [0, 1)")
        self.embedDim = embedDim
        self.heads = heads
        self.dropout = dropout
        inProjWeight = Tensor.zeros([3 * embedDim, embedDim], requiresGrad: true)
        inProjBias = bias ? Tensor.zeros([3 * embedDim], requiresGrad: true) : nil
        outProjWeight = Tensor.zeros([embedDim, embedDim], requiresGrad: true)
        outProjBias = bias ? Tensor.zeros([embedDim], requiresGrad: true) : nil
        // As nn.MultiheadAttention._reset_parameters: xavier in-projection, zero biases, Linear's out_proj.
        Init.xavierUniform(inProjWeight, rng: &rng)
        Init.kaimingUniform(outProjWeight, a: Float(5).squareRoot(), rng: &rng)
        generator = ArrozRandom(seed: rng.next())
    }

    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        visit("in_proj_weight", inProjWeight)
        if let inProjBias { visit("in_proj_bias", inProjBias) }
        visit("out_proj.weight", outProjWeight)
        if let outProjBias { visit("out_proj.bias", outProjBias) }
    }

    /// `query` `[N, L, E]`, `key`/`value` `[N, S, E]` → `[N, L, E]`.
    ///
    /// - Parameters:
    ///   - attnMask: float mask added to the scores, `[L, S]` or `[N·heads, L, S]`.
    ///   - boolAttnMask: 0/1 mask of the same shapes, nonzero = masked out (PyTorch's bool `attn_mask`).
    ///   - keyPaddingMask: 0/1 `[N, S]`, nonzero = padding key, ignored.
    public func callAsFunction(
        _ query: Tensor, _ key: Tensor, _ value: Tensor, attnMask: Tensor? = nil, boolAttnMask: Tensor? = nil,
        keyPaddingMask: Tensor? = nil, rng: inout ArrozRandom
    ) -> Tensor {
        multiHeadAttention(
            query: query, key: key, value: value, inProjWeight: inProjWeight, inProjBias: inProjBias,
            outProjWeight: outProjWeight, outProjBias: outProjBias, heads: heads, attnMask: attnMask,
            boolAttnMask: boolAttnMask, keyPaddingMask: keyPaddingMask, dropout: dropout,
            training: isTraining,
            rng: &rng)
    }

    /// As the overload with `rng`, drawing dropout from the layer's own `generator`.
    public func callAsFunction(
        _ query: Tensor, _ key: Tensor, _ value: Tensor, attnMask: Tensor? = nil, boolAttnMask: Tensor? = nil,
        keyPaddingMask: Tensor? = nil
    ) -> Tensor {
        callAsFunction(
            query, key, value, attnMask: attnMask, boolAttnMask: boolAttnMask,
            keyPaddingMask: keyPaddingMask, rng: &generator)
    }
}

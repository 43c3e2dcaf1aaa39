// CLIPTextModel: HF `CLIPTextModel` (and the projection of `CLIPTextModelWithProjection`) for inference —
// token + position embeddings, pre-LN layers with causal self-attention and a quick-GELU MLP, a final
// LayerNorm, the pooled state at the end token, optional `text_projection`, all on ArrozTensor's ops. Matches
// modeling_clip.py.
import ArrozTensor
import Foundation

public final class CLIPTextModel: @unchecked Sendable {
    public let config: CLIPTextConfig

    struct Layer {
        var norm1Weight: Tensor, norm1Bias: Tensor  // [D]  layer_norm1
        var qkvWeight: Tensor  // [3D, D]  self_attn.{q,k,v}_proj.weight stacked
        var qkvBias: Tensor  // [3D]
        var outWeight: Tensor, outBias: Tensor  // [D, D], [D]  self_attn.out_proj
        var norm2Weight: Tensor, norm2Bias: Tensor  // [D]  layer_norm2
        var fc1Weight: Tensor, fc1Bias: Tensor  // [F, D], [F]  mlp.fc1
        var fc2Weight: Tensor, fc2Bias: Tensor  // [D, F], [D]  mlp.fc2
    }

    let tokenEmbedding: Tensor  // [V, D]  text_model.embeddings.token_embedding.weight
    let positionEmbedding: Tensor  // [P, D]  text_model.embeddings.position_embedding.weight
    let layers: [Layer]
    let finalNormWeight: Tensor, finalNormBias: Tensor  // [D]  text_model.final_layer_norm
    /// `[E, D]` text_projection.weight (no bias), when the checkpoint has one.
    public let projection: Tensor?

    /// Width of `pooled` outputs: the projection's E if there is one, else D.
    public var outputDimension: Int { projection?.shape[0] ?? config.hiddenSize }

    /// Loads HF names with or without the `text_model.` prefix (a CLIPModel, CLIPTextModel or
    /// CLIPTextModelWithProjection checkpoint).
    public init(config: CLIPTextConfig, weights file: WeightFile) throws {
        self.config = config
        let D = config.hiddenSize, F = config.intermediateSize
        let prefix = file.tensors["text_model.embeddings.token_embedding.weight"] != nil ? "text_model." : ""
        func t(_ name: String, _ shape: [Int]) throws -> Tensor { try file.tensor(prefix + name, shape) }
        tokenEmbedding = try t("embeddings.token_embedding.weight", [config.vocabSize, D])
        positionEmbedding = try t("embeddings.position_embedding.weight", [config.maxPositionEmbeddings, D])
        layers = try (0..<config.numHiddenLayers).map { n in
            let p = "encoder.layers.\(n)."
            let (q, k, v) = (
                try t(p + "self_attn.q_proj.weight", [D, D]), try t(p + "self_attn.k_proj.weight", [D, D]),
                try t(p + "self_attn.v_proj.weight", [D, D])
            )
            let (qb, kb, vb) = (
                try t(p + "self_attn.q_proj.bias", [D]), try t(p + "self_attn.k_proj.bias", [D]),
                try t(p + "self_attn.v_proj.bias", [D])
            )
            return Layer(
                norm1Weight: try t(p + "layer_norm1.weight", [D]),
                norm1Bias: try t(p + "layer_norm1.bias", [D]),
                qkvWeight: Tensor(q.scalars + k.scalars + v.scalars, shape: [3 * D, D]),
                qkvBias: Tensor(qb.scalars + kb.scalars + vb.scalars, shape: [3 * D]),
                outWeight: try t(p + "self_attn.out_proj.weight", [D, D]),
                outBias: try t(p + "self_attn.out_proj.bias", [D]),
                norm2Weight: try t(p + "layer_norm2.weight", [D]),
                norm2Bias: try t(p + "layer_norm2.bias", [D]),
                fc1Weight: try t(p + "mlp.fc1.weight", [F, D]), fc1Bias: try t(p + "mlp.fc1.bias", [F]),
                fc2Weight: try t(p + "mlp.fc2.weight", [D, F]), fc2Bias: try t(p + "mlp.fc2.bias", [D]))
        }
        finalNormWeight = try t("final_layer_norm.weight", [D])
        finalNormBias = try t("final_layer_norm.bias", [D])
        if let w = file.tensors["text_projection.weight"] {
            guard w.rank == 2, w.shape[1] == D else {
                throw TextError.corruptWeights(
                    path: file.path,
                    reason: "text_projection.weight is \(w.shape), "
                        + "expected [E, \(D)]")
            }
            projection = w
        } else {
            projection = nil
        }
    }

    /// Last hidden states packed `[ΣL, D]` (sequence s from `starts[s]`), the pooled state at each sequence's
    /// end token `[N, D]`, and the projected pooled state `[N, E]` (equal to pooled without a projection).
    public func forward(_ ids: [[Int]]) -> (states: Tensor, starts: [Int], pooled: Tensor, projected: Tensor)
    {
        let lengths = ids.map(\.count)
        var starts: [Int] = []
        var T = 0
        for L in lengths {
            starts.append(T)
            T += L
        }
        for (s, seq) in ids.enumerated() {
            precondition(
                !seq.isEmpty && seq.count <= config.maxPositionEmbeddings,
                "CLIPTextModel.forward: "
                    + "sequence \(s) has \(seq.count) tokens; need 1...\(config.maxPositionEmbeddings)")
            precondition(
                seq.allSatisfy { (0..<config.vocabSize).contains($0) },
                "CLIPTextModel.forward: sequence \(s) has an id outside 0..<\(config.vocabSize)")
        }
        return withNoGrad { encode(ids, lengths: lengths, starts: starts, T: T) }
    }

    /// The body of `forward` (ids already checked), without a graph.
    private func encode(_ ids: [[Int]], lengths: [Int], starts: [Int], T: Int)
        -> (states: Tensor, starts: [Int], pooled: Tensor, projected: Tensor)
    {
        let D = config.hiddenSize, H = config.numAttentionHeads
        var x = Tensor.zeros([T, D])  // [T, D] the residual stream
        let xp = x.mutableData.baseAddress!
        let (tok, pos) = (tokenEmbedding.data.baseAddress!, positionEmbedding.data.baseAddress!)
        // x = token[id] + position[p]
        for (s, seq) in ids.enumerated() {
            for (p, id) in seq.enumerated() {
                let row = xp + (starts[s] + p) * D
                for i in 0..<D { row[i] = tok[id * D + i] + pos[p * D + i] }
            }
        }
        let eps = config.layerNormEps
        for layer in layers {
            // x = x + out_proj(attention(layer_norm1(x)))      (causal)
            var h = layerNorm(x, weight: layer.norm1Weight, bias: layer.norm1Bias, eps: eps)  // [T, D]
            let qkv = linear(h, weight: layer.qkvWeight, bias: layer.qkvBias)  // [T, 3D]
            let ctx = packedSelfAttention(qkv, lengths: lengths, heads: H, causal: true)  // [T, D]
            x = linear(ctx, weight: layer.outWeight, bias: layer.outBias, adding: x)  // [T, D]
            // x = x + fc2(act(fc1(layer_norm2(x))))
            h = layerNorm(x, weight: layer.norm2Weight, bias: layer.norm2Bias, eps: eps)  // [T, D]
            let pre = linear(h, weight: layer.fc1Weight, bias: layer.fc1Bias)  // [T, F]
            let hidden = config.hiddenAct == "gelu" ? pre.gelu() : pre.quickGelu()  // [T, F]
            x = linear(hidden, weight: layer.fc2Weight, bias: layer.fc2Bias, adding: x)  // [T, D]
        }
        x = layerNorm(x, weight: finalNormWeight, bias: finalNormBias, eps: eps)  // [T, D]
        let xs = x.data.baseAddress!

        // pooled[s] = x[end position of s]: the largest id (legacy eos_token_id == 2), else the first eos id.
        let pooled = Tensor.zeros([ids.count, D])
        for (s, seq) in ids.enumerated() {
            let end: Int
            if config.eosTokenID == 2 {
                end = seq.indices.max { seq[$0] < seq[$1] || (seq[$0] == seq[$1] && $0 > $1) }!
            } else {
                end = seq.firstIndex(of: config.eosTokenID) ?? 0
            }
            (pooled.mutableData.baseAddress! + s * D).update(from: xs + (starts[s] + end) * D, count: D)
        }
        guard let projection else { return (x, starts, pooled, pooled) }
        return (x, starts, pooled, linear(pooled, weight: projection))  // projected [N, E]
    }
}

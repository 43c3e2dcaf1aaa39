// CLIPTextModel: HF `CLIPTextModel` (and the projection of `CLIPTextModelWithProjection`) for inference —
// token + position embeddings, pre-LN layers with causal self-attention and a quick-GELU MLP, a final
// LayerNorm, the pooled state at the end token, optional `text_projection`. Matches modeling_clip.py.
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
        let D = config.hiddenSize, F = config.intermediateSize, H = config.numAttentionHeads
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
        let x = Tensor.zeros([T, D])  // [T, D] the residual stream
        let xp = x.mutableData.baseAddress!
        let (tok, pos) = (tokenEmbedding.data.baseAddress!, positionEmbedding.data.baseAddress!)
        // x = token[id] + position[p]
        for (s, seq) in ids.enumerated() {
            for (p, id) in seq.enumerated() {
                let row = xp + (starts[s] + p) * D
                for i in 0..<D { row[i] = tok[id * D + i] + pos[p * D + i] }
            }
        }
        let h = Storage(uninitializedCount: T * D)  // [T, D] normed input of each block
        let qkv = Storage(uninitializedCount: T * 3 * D)  // [T, 3D]
        let ctx = Storage(uninitializedCount: T * D)  // [T, D]
        let hidden = Storage(uninitializedCount: T * F)  // [T, F]
        let eps = config.layerNormEps
        for layer in layers {
            // x = x + out_proj(attention(layer_norm1(x)))      (causal)
            h.pointer.update(from: xp, count: T * D)
            InferenceKernels.layerNorm(
                h.pointer, adding: nil, rows: T, width: D,
                gamma: layer.norm1Weight.data.baseAddress!, beta: layer.norm1Bias.data.baseAddress!, eps: eps)
            InferenceKernels.linear(
                h.pointer, rows: T, inFeatures: D, weight: layer.qkvWeight.data.baseAddress!,
                bias: layer.qkvBias.data.baseAddress!, outFeatures: 3 * D, into: qkv.pointer)
            InferenceKernels.attention(
                qkv: qkv.pointer, into: ctx.pointer, starts: starts, lengths: lengths,
                heads: H, headDim: D / H, causal: true)
            sgemm(
                transB: true, m: T, n: D, k: D, a: ctx.pointer, b: layer.outWeight.data.baseAddress!, beta: 1,
                c: xp)
            addRows(layer.outBias, to: xp, rows: T)
            // x = x + fc2(act(fc1(layer_norm2(x))))
            h.pointer.update(from: xp, count: T * D)
            InferenceKernels.layerNorm(
                h.pointer, adding: nil, rows: T, width: D,
                gamma: layer.norm2Weight.data.baseAddress!, beta: layer.norm2Bias.data.baseAddress!, eps: eps)
            InferenceKernels.linear(
                h.pointer, rows: T, inFeatures: D, weight: layer.fc1Weight.data.baseAddress!,
                bias: layer.fc1Bias.data.baseAddress!, outFeatures: F, into: hidden.pointer)
            if config.hiddenAct == "gelu" {
                InferenceKernels.geluErf(hidden.pointer, count: T * F)
            } else {
                InferenceKernels.quickGelu(hidden.pointer, count: T * F)
            }
            sgemm(
                transB: true, m: T, n: D, k: F, a: hidden.pointer, b: layer.fc2Weight.data.baseAddress!,
                beta: 1,
                c: xp)
            addRows(layer.fc2Bias, to: xp, rows: T)
        }
        InferenceKernels.layerNorm(
            xp, adding: nil, rows: T, width: D, gamma: finalNormWeight.data.baseAddress!,
            beta: finalNormBias.data.baseAddress!, eps: eps)

        // pooled[s] = x[end position of s]: the largest id (legacy eos_token_id == 2), else the first eos id.
        let pooled = Tensor.zeros([ids.count, D])
        for (s, seq) in ids.enumerated() {
            let end: Int
            if config.eosTokenID == 2 {
                end = seq.indices.max { seq[$0] < seq[$1] || (seq[$0] == seq[$1] && $0 > $1) }!
            } else {
                end = seq.firstIndex(of: config.eosTokenID) ?? 0
            }
            (pooled.mutableData.baseAddress! + s * D).update(from: xp + (starts[s] + end) * D, count: D)
        }
        guard let projection else { return (x, starts, pooled, pooled) }
        let E = projection.shape[0]
        let projected = Tensor.zeros([ids.count, E])
        sgemm(
            transB: true, m: ids.count, n: E, k: D, a: pooled.data.baseAddress!,
            b: projection.data.baseAddress!,
            c: projected.mutableData.baseAddress!)
        return (x, starts, pooled, projected)
    }

    /// rows[t] += bias for each of `rows` rows.
    private func addRows(_ bias: Tensor, to x: UnsafeMutablePointer<Float>, rows: Int) {
        let D = bias.count
        let b = bias.data.baseAddress!
        for t in 0..<rows {
            for i in 0..<D { x[t * D + i] += b[i] }
        }
    }
}

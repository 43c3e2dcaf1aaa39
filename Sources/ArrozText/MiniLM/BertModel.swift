// BertModel: HF `BertModel`'s encoder for inference — embeddings (word + absolute position + token type 0,
// LayerNorm), then post-LN layers of self-attention and a GELU(erf) MLP, all on ArrozTensor's ops (linear
// with the residual summed in, packedSelfAttention, layerNorm, gelu). Parameters under HF state_dict names
// (no "bert." prefix, as sentence-transformers saves them). Matches transformers' modeling_bert.py (eval).
import ArrozTensor
import Foundation

public final class BertModel: @unchecked Sendable {
    public let config: BertConfig

    struct Layer {
        var qkvWeight: Tensor  // [3D, D]  attention.self.{query,key,value}.weight stacked
        var qkvBias: Tensor  // [3D]
        var outWeight: Tensor  // [D, D]   attention.output.dense.weight
        var outBias: Tensor  // [D]
        var norm1Weight: Tensor, norm1Bias: Tensor  // [D]  attention.output.LayerNorm
        var upWeight: Tensor  // [F, D]   intermediate.dense.weight
        var upBias: Tensor  // [F]
        var downWeight: Tensor  // [D, F]   output.dense.weight
        var downBias: Tensor  // [D]
        var norm2Weight: Tensor, norm2Bias: Tensor  // [D]  output.LayerNorm
    }

    let wordEmbeddings: Tensor  // [V, D]   embeddings.word_embeddings.weight
    let positionEmbeddings: Tensor  // [P, D]   embeddings.position_embeddings.weight
    let tokenTypeEmbeddings: Tensor  // [2, D]   embeddings.token_type_embeddings.weight
    let embeddingNormWeight: Tensor, embeddingNormBias: Tensor  // [D]  embeddings.LayerNorm
    let layers: [Layer]

    /// Loads the weights in `file` (HF names) for `config`; throws naming a missing or mis-shaped tensor.
    public init(config: BertConfig, weights file: WeightFile) throws {
        self.config = config
        let D = config.hiddenSize, F = config.intermediateSize
        wordEmbeddings = try file.tensor("embeddings.word_embeddings.weight", [config.vocabSize, D])
        positionEmbeddings = try file.tensor(
            "embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, D])
        tokenTypeEmbeddings = try file.tensor(
            "embeddings.token_type_embeddings.weight", [config.typeVocabSize, D])
        embeddingNormWeight = try file.tensor("embeddings.LayerNorm.weight", [D])
        embeddingNormBias = try file.tensor("embeddings.LayerNorm.bias", [D])
        layers = try (0..<config.numHiddenLayers).map { n in
            let p = "encoder.layer.\(n)."
            let q = try file.tensor(p + "attention.self.query.weight", [D, D])
            let k = try file.tensor(p + "attention.self.key.weight", [D, D])
            let v = try file.tensor(p + "attention.self.value.weight", [D, D])
            let qb = try file.tensor(p + "attention.self.query.bias", [D])
            let kb = try file.tensor(p + "attention.self.key.bias", [D])
            let vb = try file.tensor(p + "attention.self.value.bias", [D])
            return Layer(
                qkvWeight: Tensor((q.scalars + k.scalars + v.scalars), shape: [3 * D, D]),
                qkvBias: Tensor(qb.scalars + kb.scalars + vb.scalars, shape: [3 * D]),
                outWeight: try file.tensor(p + "attention.output.dense.weight", [D, D]),
                outBias: try file.tensor(p + "attention.output.dense.bias", [D]),
                norm1Weight: try file.tensor(p + "attention.output.LayerNorm.weight", [D]),
                norm1Bias: try file.tensor(p + "attention.output.LayerNorm.bias", [D]),
                upWeight: try file.tensor(p + "intermediate.dense.weight", [F, D]),
                upBias: try file.tensor(p + "intermediate.dense.bias", [F]),
                downWeight: try file.tensor(p + "output.dense.weight", [D, F]),
                downBias: try file.tensor(p + "output.dense.bias", [D]),
                norm2Weight: try file.tensor(p + "output.LayerNorm.weight", [D]),
                norm2Bias: try file.tensor(p + "output.LayerNorm.bias", [D]))
        }
    }

    /// Last hidden states of each sequence, packed without padding: `[ΣL, D]` (sequence s is rows
    /// `starts[s] ..< starts[s] + ids[s].count`). Equal to HF with padding and an attention mask, because the
    /// mask only ever removes padded keys.
    public func forward(_ ids: [[Int]]) -> (states: Tensor, starts: [Int]) {
        let D = config.hiddenSize, H = config.numAttentionHeads
        let lengths = ids.map(\.count)
        var starts: [Int] = []
        var T = 0
        for L in lengths {
            starts.append(T)
            T += L
        }
        for (s, seq) in ids.enumerated() {
            precondition(
                seq.count <= config.maxPositionEmbeddings,
                "BertModel.forward: sequence \(s) has "
                    + "\(seq.count) tokens > \(config.maxPositionEmbeddings) positions")
            precondition(
                seq.allSatisfy { (0..<config.vocabSize).contains($0) },
                "BertModel.forward: sequence \(s) has an id outside 0..<\(config.vocabSize)")
        }
        return withNoGrad {
            let embedded = Tensor.zeros([T, D])  // [T, D]
            let (xp, word, pos, type) = (
                embedded.mutableData.baseAddress!, wordEmbeddings.data.baseAddress!,
                positionEmbeddings.data.baseAddress!, tokenTypeEmbeddings.data.baseAddress!
            )
            // x = word[id] + position[p] + tokenType[0]
            for (s, seq) in ids.enumerated() {
                for (p, id) in seq.enumerated() {
                    let row = xp + (starts[s] + p) * D
                    for i in 0..<D { row[i] = word[id * D + i] + pos[p * D + i] + type[i] }
                }
            }
            let eps = config.layerNormEps
            var x = layerNorm(
                embedded, weight: embeddingNormWeight, bias: embeddingNormBias, eps: eps)  // [T, D]
            for layer in layers {
                let qkv = linear(x, weight: layer.qkvWeight, bias: layer.qkvBias)  // [T, 3D]
                let ctx = packedSelfAttention(qkv, lengths: lengths, heads: H)  // [T, D]
                // x = LN(x + attention.output.dense(ctx)), the residual summed inside the linear
                let attn = linear(ctx, weight: layer.outWeight, bias: layer.outBias, adding: x)  // [T, D]
                x = layerNorm(attn, weight: layer.norm1Weight, bias: layer.norm1Bias, eps: eps)  // [T, D]
                // x = LN(x + output.dense(gelu(intermediate.dense(x))))
                let hidden = linear(x, weight: layer.upWeight, bias: layer.upBias).gelu()  // [T, F]
                let mlp = linear(hidden, weight: layer.downWeight, bias: layer.downBias, adding: x)  // [T, D]
                x = layerNorm(mlp, weight: layer.norm2Weight, bias: layer.norm2Bias, eps: eps)  // [T, D]
            }
            return (x, starts)
        }
    }
}

// BertConfig: the fields of an HF BERT `config.json` the encoder needs (all-MiniLM-L6-v2's by default).
import Foundation

public struct BertConfig: Codable, Sendable, Equatable {
    public var vocabSize = 30522
    public var hiddenSize = 384
    public var numHiddenLayers = 6
    public var numAttentionHeads = 12
    public var intermediateSize = 1536
    public var maxPositionEmbeddings = 512
    public var typeVocabSize = 2
    public var layerNormEps: Float = 1e-12
    public var hiddenAct = "gelu"

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps", hiddenAct = "hidden_act"
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BertConfig()
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? d.vocabSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        maxPositionEmbeddings =
            try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? d.maxPositionEmbeddings
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? d.typeVocabSize
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? d.layerNormEps
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
    }

    /// Reads `config.json`; a missing file gives the defaults, a broken one throws naming it.
    public static func load(_ path: String) throws -> BertConfig {
        guard let data = FileManager.default.contents(atPath: path) else { return BertConfig() }
        do {
            let config = try JSONDecoder().decode(BertConfig.self, from: data)
            guard config.hiddenSize > 0, config.numAttentionHeads > 0,
                config.hiddenSize % config.numAttentionHeads == 0, config.hiddenAct == "gelu"
            else {
                throw TextError.corruptWeights(
                    path: path,
                    reason: "hidden \(config.hiddenSize), heads \(config.numAttentionHeads), "
                        + "act \(config.hiddenAct): need heads dividing hidden and gelu")
            }
            return config
        } catch let e as TextError {
            throw e
        } catch {
            throw TextError.corruptWeights(path: path, reason: "not a BERT config.json (\(error))")
        }
    }
}

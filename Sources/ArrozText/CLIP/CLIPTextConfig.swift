// CLIPTextConfig: the fields of an HF `CLIPTextConfig` (a `clip_text_model` config.json, or the `text_config`
// of a full `clip` config.json) that the text tower needs. Defaults are openai/clip-vit-base-patch32's.
import Foundation

public struct CLIPTextConfig: Codable, Sendable, Equatable {
    public var vocabSize = 49408
    public var hiddenSize = 512
    public var intermediateSize = 2048
    public var numHiddenLayers = 12
    public var numAttentionHeads = 8
    public var maxPositionEmbeddings = 77
    public var layerNormEps: Float = 1e-5
    public var hiddenAct = "quick_gelu"
    /// 2 selects the legacy pooling (position of the largest id); anything else, the first `eosTokenID`.
    public var eosTokenID = 2

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings", layerNormEps = "layer_norm_eps"
        case hiddenAct = "hidden_act", eosTokenID = "eos_token_id"
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPTextConfig()
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? d.vocabSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        maxPositionEmbeddings =
            try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? d.maxPositionEmbeddings
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? d.layerNormEps
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
        eosTokenID = try c.decodeIfPresent(Int.self, forKey: .eosTokenID) ?? d.eosTokenID
    }

    /// Reads `config.json` (a text config, or a full CLIP config's `text_config`); throws naming the file.
    public static func load(_ path: String) throws -> CLIPTextConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TextError.unreadable(
                path: path, reason: "no config.json; save the model with save_pretrained")
        }
        do {
            var body = data
            if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let text = object["text_config"] as? [String: Any]
            {
                body = try JSONSerialization.data(withJSONObject: text)
            }
            let config = try JSONDecoder().decode(CLIPTextConfig.self, from: body)
            guard config.hiddenSize > 0, config.numAttentionHeads > 0,
                config.hiddenSize % config.numAttentionHeads == 0,
                ["quick_gelu", "gelu"].contains(config.hiddenAct)
            else {
                throw TextError.corruptWeights(
                    path: path,
                    reason: "hidden \(config.hiddenSize), heads "
                        + "\(config.numAttentionHeads), act \(config.hiddenAct): need heads dividing hidden, "
                        + "quick_gelu or gelu")
            }
            return config
        } catch let e as TextError {
            throw e
        } catch {
            throw TextError.corruptWeights(path: path, reason: "not a CLIP config.json (\(error))")
        }
    }
}

// CLIPTextEncoder: a user's CLIP text tower as a PromptEncoder (`--encoder clip:DIR`) — CLIP BPE (context 77,
// padded with the end token as HF pads), CLIPTextModel, pooled (projected when the checkpoint has
// text_projection) plus the 77 per-token states for cross-attention.
import ArrozTensor
import Foundation

public final class CLIPTextEncoder: PromptEncoder, @unchecked Sendable {
    public let name: String
    public var dimension: Int { model.outputDimension }
    public let tokenizer: CLIPTokenizer
    public let model: CLIPTextModel

    /// The CLIP vocabulary `make encoder` puts in the cache.
    public static var defaultVocabulary: String { EncoderDirectory.root + "/clip/bpe_simple_vocab_16e6.txt" }

    /// Loads `config.json` and `model.safetensors` from `directory`, and the tokenizer from its `vocab.json`
    /// + `merges.txt`, else its `bpe_simple_vocab_16e6.txt`, else the cached vocabulary (`make encoder`).
    public init(directory: String) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: directory + "/model.safetensors") else {
            throw TextError.unreadable(
                path: directory + "/model.safetensors",
                reason: "no CLIP text model there; "
                    + "save one with CLIPTextModel.save_pretrained(DIR, safe_serialization=True)")
        }
        let config = try CLIPTextConfig.load(directory + "/config.json")
        let context = min(77, config.maxPositionEmbeddings)
        if fm.fileExists(atPath: directory + "/vocab.json")
            && fm.fileExists(atPath: directory + "/merges.txt")
        {
            tokenizer = try CLIPTokenizer(
                vocabJSON: directory + "/vocab.json", mergesFile: directory + "/merges.txt",
                contextLength: context)
        } else if fm.fileExists(atPath: directory + "/bpe_simple_vocab_16e6.txt") {
            tokenizer = try CLIPTokenizer(
                bpeFile: directory + "/bpe_simple_vocab_16e6.txt", contextLength: context)
        } else if fm.fileExists(atPath: Self.defaultVocabulary) {
            tokenizer = try CLIPTokenizer(bpeFile: Self.defaultVocabulary, contextLength: context)
        } else {
            throw TextError.missingEncoder(
                name: "CLIP vocabulary (bpe_simple_vocab_16e6.txt)",
                directory: EncoderDirectory.root + "/clip", fix: "make encoder")
        }
        model = try CLIPTextModel(config: config, weights: WeightFile(directory + "/model.safetensors"))
        name = "clip:" + directory
    }

    /// Pooled `[N, E]` and per-token `[N, 77, D]` states. Throws for a prompt whose ids the model's
    /// vocabulary cannot hold (a small test model with the full tokenizer).
    public func encode(_ prompts: [String]) throws -> PromptEmbedding {
        let ids = prompts.map(tokenizer.encodePadded)
        for (p, seq) in zip(prompts, ids) where seq.contains(where: { $0 >= model.config.vocabSize }) {
            throw TextError.badPrompt(
                prompt: p,
                reason: "its token ids exceed this model's vocabulary of "
                    + "\(model.config.vocabSize)")
        }
        let (states, _, _, projected) = model.forward(ids)
        let L = tokenizer.contextLength, D = model.config.hiddenSize
        return PromptEmbedding(pooled: projected, tokens: states.reshaped([prompts.count, L, D]))
    }
}

/// Builds the encoder an `--encoder` value names.
public enum TextEncoders {
    /// `minilm` (default, the cached all-MiniLM-L6-v2) or `clip:DIR` (a user's CLIP text tower).
    public static func make(_ spec: String) throws -> PromptEncoder {
        if spec == "minilm" || spec.isEmpty { return try MiniLMEncoder() }
        if spec.hasPrefix("clip:") { return try CLIPTextEncoder(directory: String(spec.dropFirst(5))) }
        throw TextError.unknownEncoder(spec)
    }
}

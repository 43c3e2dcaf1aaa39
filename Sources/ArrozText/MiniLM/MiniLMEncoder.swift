// MiniLMEncoder: the default prompt encoder — all-MiniLM-L6-v2 as sentence-transformers runs it: WordPiece
// (max 256 tokens) → BertModel → mean pooling over the attention mask → L2 normalisation (modules.json).
import ArrozTensor
import Foundation

public final class MiniLMEncoder: PromptEncoder, @unchecked Sendable {
    public let name = "minilm"
    public var dimension: Int { model.config.hiddenSize }
    public let tokenizer: WordPieceTokenizer
    public let model: BertModel
    /// Sequences per forward pass (bounds the activation memory of big batches).
    public var chunkSize = 128

    /// The directory `make encoder` fills: `$ARROZ_ENCODER_DIR` or `~/.cache/arroz-studio/encoders`, plus
    /// `all-MiniLM-L6-v2`.
    public static var defaultDirectory: String { EncoderDirectory.root + "/all-MiniLM-L6-v2" }

    /// Loads `model.safetensors`, `vocab.txt` and `config.json` from `directory`; a missing file throws
    /// `TextError.missingEncoder` naming `make encoder`.
    public init(directory: String = MiniLMEncoder.defaultDirectory) throws {
        let fm = FileManager.default
        for file in ["model.safetensors", "vocab.txt"] where !fm.fileExists(atPath: directory + "/" + file) {
            throw TextError.missingEncoder(
                name: "all-MiniLM-L6-v2 (\(file))", directory: directory, fix: "make encoder")
        }
        let config = try BertConfig.load(directory + "/config.json")
        tokenizer = try WordPieceTokenizer(vocabFile: directory + "/vocab.txt", maxLength: 256)
        model = try BertModel(config: config, weights: WeightFile(directory + "/model.safetensors"))
        guard tokenizer.vocab.count <= config.vocabSize else {
            throw TextError.corruptWeights(
                path: directory + "/vocab.txt",
                reason: "\(tokenizer.vocab.count) tokens but the model has \(config.vocabSize) embeddings")
        }
    }

    /// `[N, 384]` unit-length sentence embeddings, one row per prompt (the empty prompt is [CLS] [SEP]).
    public func encode(_ prompts: [String]) throws -> PromptEmbedding {
        let D = dimension
        let out = Tensor.zeros([prompts.count, D])
        let ids = prompts.map(tokenizer.encode)
        var first = 0
        while first < ids.count {
            let chunk = Array(ids[first..<min(first + chunkSize, ids.count)])
            let (states, starts) = model.forward(chunk)
            let (src, dst) = (states.data.baseAddress!, out.mutableData.baseAddress! + first * D)
            for (s, seq) in chunk.enumerated() {
                // mean over the L tokens, then x / max(‖x‖, 1e-12)   (Pooling mean, then Normalize)
                let row = dst + s * D
                for t in 0..<seq.count {
                    let h = src + (starts[s] + t) * D
                    for i in 0..<D { row[i] += h[i] }
                }
                var norm: Float = 0
                for i in 0..<D {
                    row[i] /= Float(seq.count)
                    norm += row[i] * row[i]
                }
                let inv = 1 / max(norm.squareRoot(), 1e-12)
                for i in 0..<D { row[i] *= inv }
            }
            first += chunk.count
        }
        return PromptEmbedding(pooled: out)
    }

    /// The last hidden states of one prompt, one row per token: `[T, 384]` with T counting [CLS] and [SEP]
    /// (what Paella's text conditioning reads). Mean-pooling these rows and normalising gives `encode`'s
    /// vector for the same prompt.
    public func tokenStates(_ prompt: String) -> Tensor {
        let ids = tokenizer.encode(prompt)
        let (states, _) = model.forward([ids])
        return states.reshaped([ids.count, dimension])
    }
}

/// Where `make encoder` puts the encoders.
public enum EncoderDirectory {
    /// `$ARROZ_ENCODER_DIR`, else `~/.cache/arroz-studio/encoders` (the Makefile's ENCODER_DIR).
    public static var root: String {
        if let dir = ProcessInfo.processInfo.environment["ARROZ_ENCODER_DIR"], !dir.isEmpty { return dir }
        return FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/arroz-studio/encoders"
    }
}

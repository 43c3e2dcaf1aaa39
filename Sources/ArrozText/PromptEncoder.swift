// PromptEncoder: text in, a fixed-size embedding out — the abstraction MiniLM, CLIP and embedding files share.
import ArrozTensor

/// The result of encoding prompts.
public struct PromptEmbedding: Sendable {
    /// `[N, D]` pooled embeddings, one row per prompt.
    public var pooled: Tensor
    /// `[N, L, D]` per-token states for cross-attention, where the encoder has them.
    public var tokens: Tensor?

    public init(pooled: Tensor, tokens: Tensor? = nil) {
        self.pooled = pooled
        self.tokens = tokens
    }
}

/// An encoder from prompts to embeddings.
public protocol PromptEncoder: AnyObject {
    /// A short name stored in checkpoints and PNG parameters (e.g. `minilm`).
    var name: String { get }
    /// Width D of the pooled embedding.
    var dimension: Int { get }
    /// Encodes a batch of prompts. Throws for input it cannot encode (with a message naming the prompt).
    func encode(_ prompts: [String]) throws -> PromptEmbedding
}

extension PromptEncoder {
    /// The unconditional embedding this encoder implies: the empty prompt's embedding.
    public func unconditional() throws -> PromptEmbedding { try encode([""]) }
}

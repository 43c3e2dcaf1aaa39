// HashEncoder: a deterministic stand-in text encoder for tests that must not depend on the MiniLM weights.
import ArrozTensor
import ArrozText

/// A deterministic stand-in text encoder for loop tests that must not depend on the MiniLM weights:
/// it hashes words into a fixed-width vector. (The real encoder has its own tests in ArrozTextTests.)
public final class HashEncoder: PromptEncoder {
    public let name = "hash"
    public let dimension = 6
    public init() {}
    public func encode(_ prompts: [String]) throws -> PromptEmbedding {
        var out: [Float] = []
        for p in prompts {
            var v = [Float](repeating: 0, count: dimension)
            for w in p.split(separator: " ") {
                var h: UInt64 = 1_469_598_103_934_665_603
                for b in w.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
                v[Int(h % UInt64(dimension))] += 1
            }
            out += v
        }
        return PromptEmbedding(pooled: Tensor(out, shape: [prompts.count, dimension]))
    }
}

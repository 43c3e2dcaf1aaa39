// EmbeddingCache: a PromptEncoder wrapper that remembers pooled embeddings by prompt, so the same prompt is
// never encoded twice (the studio re-encodes the same prompts every preview and every sample).
import ArrozTensor
import Foundation

public final class CachedPromptEncoder: PromptEncoder, @unchecked Sendable {
    public let base: PromptEncoder
    public var name: String { base.name }
    public var dimension: Int { base.dimension }
    /// Most prompts remembered; the cache is emptied when it would grow past this.
    public let capacity: Int
    /// Prompts actually sent to `base` (a hit does not count): what the cache saves is visible in tests.
    public private(set) var computedCount = 0
    private var rows: [String: [Float]] = [:]
    private let lock = NSLock()

    public init(_ base: PromptEncoder, capacity: Int = 4096) {
        precondition(capacity > 0, "CachedPromptEncoder: capacity \(capacity) must be positive")
        self.base = base
        self.capacity = capacity
    }

    /// Pooled embeddings `[N, D]`; only prompts not seen before (each once) reach the base encoder.
    public func encode(_ prompts: [String]) throws -> PromptEmbedding {
        lock.lock()
        defer { lock.unlock() }
        var missing: [String] = []
        for p in prompts where rows[p] == nil && !missing.contains(p) { missing.append(p) }
        if !missing.isEmpty {
            let fresh = try base.encode(missing).pooled  // [M, D]
            precondition(
                fresh.shape == [missing.count, dimension],
                "CachedPromptEncoder: \(base.name) returned \(fresh.shape) for \(missing.count) prompts")
            if rows.count + missing.count > capacity { rows.removeAll(keepingCapacity: true) }
            let all = fresh.scalars
            for (i, p) in missing.enumerated() {
                rows[p] = Array(all[(i * dimension)..<((i + 1) * dimension)])
            }
            computedCount += missing.count
        }
        var flat: [Float] = []
        flat.reserveCapacity(prompts.count * dimension)
        for p in prompts {
            if let row = rows[p] {
                flat += row
            } else {
                // Evicted by this very call (more distinct prompts than `capacity`): encode it alone.
                flat += try base.encode([p]).pooled.scalars
                computedCount += 1
            }
        }
        return PromptEmbedding(pooled: Tensor(flat, shape: [prompts.count, dimension]))
    }
}

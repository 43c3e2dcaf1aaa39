// Conditioner: turns a batch's labels or captions into the network's conditioning input, with CFG dropout.
import ArrozDiffusion
import ArrozModels
import ArrozTensor
import ArrozText

/// Builds conditioning tensors for a run: class ids `[N]` (label + 1, 0 = unconditional) or prompt embeddings
/// `[N, D]` (zero vector = unconditional, seeds.md §0.3). Text embeddings come from a `PromptEncoder` and are
/// cached per caption, so each caption is encoded once per run.
public final class Conditioner {
    public enum Kind: Equatable {
        case classes(count: Int)
        case text(dimension: Int)
    }

    public let kind: Kind
    let encoder: PromptEncoder?
    let template: String?
    private var cache: [String: [Float]] = [:]

    /// Class conditioning with `count` classes including the unconditional class 0.
    public init(classes count: Int) {
        kind = .classes(count: count)
        encoder = nil
        template = nil
    }

    /// Text conditioning through `encoder`; `template` (with `{}`) turns class names into captions.
    public init(encoder: PromptEncoder, template: String? = nil) {
        kind = .text(dimension: encoder.dimension)
        self.encoder = encoder
        self.template = template
    }

    /// The caption a class name or dataset caption becomes.
    public func prompt(for caption: String) -> String {
        guard let template else { return caption }
        return template.replacingOccurrences(of: "{}", with: caption.lowercased())
    }

    /// Encodes and caches `prompts` in batches (so a whole dataset's captions cost one pass).
    public func warm(_ prompts: [String], batch: Int = 64) throws {
        guard let encoder else { return }
        let todo = Array(Set(prompts.map(prompt(for:)))).filter { cache[$0] == nil }.sorted()
        var i = 0
        while i < todo.count {
            let chunk = Array(todo[i..<min(i + batch, todo.count)])
            let e = try encoder.encode(chunk).pooled                     // [n, D]
            let D = e.shape[1]
            for (k, p) in chunk.enumerated() { cache[p] = Array(e.data[(k * D)..<((k + 1) * D)]) }
            i += batch
        }
    }

    /// Conditioning for one batch: `labels` (class runs) or `captions` (text runs).
    public func condition(labels: [Int?], captions: [String]) throws -> Tensor {
        switch kind {
        case .classes(let count):
            return Tensor(labels.map { l in
                let v = (l ?? -1) + 1
                precondition(v >= 0 && v < count, "Conditioner: label \(String(describing: l)) outside \(count - 1) classes")
                return Float(v)
            })
        case .text(let D):
            try warm(captions)
            var out = [Float]()
            out.reserveCapacity(captions.count * D)
            for c in captions { out += cache[prompt(for: c)] ?? [Float](repeating: 0, count: D) }
            return Tensor(out, shape: [captions.count, D])
        }
    }

    /// The unconditional input for `n` rows (class 0 or the zero embedding).
    public func unconditional(_ n: Int) -> Tensor {
        switch kind {
        case .classes: Tensor.zeros([n])
        case .text(let D): Tensor.zeros([n, D])
        }
    }

    /// CFG dropout: rows replaced by the unconditional input with probability `p`, one coin per row
    /// (Keras, cclddg) or one for the whole batch (Arroz, Paella) — seeds.md §0.4.
    public func dropout(_ cond: Tensor, p: Float, perBatch: Bool, rng: inout ArrozRandom) -> Tensor {
        guard p > 0 else { return cond }
        return dropConditioning(
            cond, probability: p, granularity: perBatch ? .perBatch : .perSample, rng: &rng
        ).cond
    }

}

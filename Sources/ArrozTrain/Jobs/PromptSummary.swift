// PromptSummary: what the Prompts pane shows about two prompt embeddings (sparkline, norms, cosine).

/// A small picture of one embedding.
public struct EmbeddingSummary: Sendable, Equatable {
    /// A coarse profile of the vector for a sparkline (e.g. the mean of each of 32 chunks).
    public var profile: [Float]
    /// Euclidean norm |v|.
    public var norm: Float

    public init(profile: [Float], norm: Float) {
        self.profile = profile
        self.norm = norm
    }

    /// Summarises a vector: `bins` chunk means and the L2 norm.
    public init(vector v: [Float], bins: Int = 32) {
        precondition(bins > 0, "EmbeddingSummary: bins \(bins)")
        let n = min(bins, max(v.count, 1))
        var profile = [Float](repeating: 0, count: n)
        if !v.isEmpty {
            for b in 0..<n {
                let lo = b * v.count / n
                let hi = max(lo + 1, (b + 1) * v.count / n)
                var s: Float = 0
                for i in lo..<hi { s += v[i] }
                profile[b] = s / Float(hi - lo)
            }
        }
        var ss: Float = 0
        for x in v { ss += x * x }
        self.init(profile: profile, norm: ss.squareRoot())
    }
}

/// Both prompts' summaries and the cosine between them.
public struct PromptPairSummary: Sendable, Equatable {
    public var a: EmbeddingSummary
    public var b: EmbeddingSummary
    /// cos(A, B) = A·B / (|A| |B|), 0 when either is zero.
    public var cosine: Float

    public init(a: EmbeddingSummary, b: EmbeddingSummary, cosine: Float) {
        self.a = a
        self.b = b
        self.cosine = cosine
    }

    /// Builds the pair summary from two raw vectors of the same width.
    public init(vectorA: [Float], vectorB: [Float], bins: Int = 32) {
        precondition(
            vectorA.count == vectorB.count,
            "PromptPairSummary: widths \(vectorA.count) and \(vectorB.count) differ")
        let a = EmbeddingSummary(vector: vectorA, bins: bins)
        let b = EmbeddingSummary(vector: vectorB, bins: bins)
        var dot: Float = 0
        for i in vectorA.indices { dot += vectorA[i] * vectorB[i] }
        let denom = a.norm * b.norm
        self.init(a: a, b: b, cosine: denom > 0 ? dot / denom : 0)
    }
}

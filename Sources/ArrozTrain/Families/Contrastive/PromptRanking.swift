// PromptRanking: how `eval prompts` scores samples — each sample's image embedding against the text embeddings
// of every prompt of the list, ranked by cosine (CLIP-score style retrieval, image → text).
import ArrozTensor

public enum PromptRanking {
    /// For each image row `[N, D]` (unit length) the rank (0 = best) of its own prompt `targets[i]` among all
    /// prompt rows `texts` `[P, D]` (unit length) by cosine similarity; ties count against the target.
    public static func ranks(images: Tensor, texts: Tensor, targets: [Int]) -> [Int] {
        precondition(images.rank == 2 && texts.rank == 2 && images.shape[1] == texts.shape[1]
                     && targets.count == images.shape[0], "PromptRanking: images \(images.shape), texts \(texts.shape)")
        let sim = withNoGrad { matmul(images, texts.transposed(0, 1)) }          // [N, P]
        let P = texts.shape[0]
        return targets.enumerated().map { i, t in
            let own = sim[i, t]
            return (0..<P).filter { $0 != t && sim[i, $0] >= own }.count
        }
    }

    /// Fractions of ranks below 1 and below 5.
    public static func topK(_ ranks: [Int]) -> (top1: Double, top5: Double) {
        let n = Double(max(ranks.count, 1))
        return (Double(ranks.filter { $0 < 1 }.count) / n, Double(ranks.filter { $0 < 5 }.count) / n)
    }
}

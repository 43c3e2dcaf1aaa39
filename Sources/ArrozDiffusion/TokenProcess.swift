// TokenProcess: Paella's discrete noise — replace VQ token indices by random ones at a rate set by t.
import ArrozTensor
import Foundation

/// Paella's token-replacement noise process.
///
/// Paella's token-replacement process (seeds.md §2.3). Tokens are `[N, H, W]` codebook indices stored as
/// Floats. Each token is independently replaced, with probability m(t), by a random token:
///
///     v3 (`.linear`, dome272/Paella `src/`):  m = t,  mask = (U ≤ t),   t = 1 is all noise
///     v1 (`.cosine`, the 2022 paper code):    m = cos(r·π/2),            r = 0 is all noise
///     x ← x·(1 − mask) + random·mask
///
/// The network sees (x_noised, t) and predicts `[N, K, H, W]` logits of the clean tokens; the loss is
/// cross-entropy with label smoothing 0.1, weighted per token by `lossWeight` in the distributed v3 script.
public struct TokenProcess: Codable, Hashable, Sendable {
    public enum Rate: String, Codable, Sendable {
        /// v3: m = t.
        case linear
        /// v1: m = cos(r·π/2).
        case cosine
    }

    /// Codebook size K (8192 in Paella).
    public var numLabels: Int
    public var rate: Rate

    public init(numLabels: Int, rate: Rate = .linear) {
        precondition(numLabels >= 2, "TokenProcess: numLabels \(numLabels) < 2")
        self.numLabels = numLabels
        self.rate = rate
    }

    /// The replacement probability m(t).
    public func maskRate(at t: Float) -> Float {
        rate == .linear ? t : Float(cos(Double(t) * Double.pi / 2))
    }

    /// Replaces tokens at rate m(t) per row.
    ///
    /// Replaces each token of row n with probability m(t_n): mask = (U ≤ m), x ← x·(1 − mask) + r·mask, where
    /// r comes from `randomTokens` (the sampler's fixed initial noise) or, when nil, uniform in 0..<K.
    /// `x` `[N, ...]` tokens, `t` `[N]`. Returns the noised tokens and the 0/1 mask, both shaped like x.
    public func addNoise(
        _ x: Tensor, t: Tensor, randomTokens: Tensor? = nil, rng: inout ArrozRandom
    ) -> (noised: Tensor, mask: Tensor) {
        precondition(
            t.shape == [x.shape[0]], "TokenProcess.addNoise: x\(x.shape) with t\(t.shape), want t [N]")
        precondition(
            randomTokens.map { $0.shape == x.shape } ?? true,
            "TokenProcess.addNoise: randomTokens\(randomTokens?.shape ?? []) vs x\(x.shape)")
        let n = x.shape[0], row = x.count / max(n, 1)
        let noised = Tensor.zeros(x.shape), mask = Tensor.zeros(x.shape)
        let xs = x.data, ts = t.data, o = noised.mutableData, m = mask.mutableData
        for r in 0..<n {
            let p = maskRate(at: ts[r])
            for j in r * row..<(r + 1) * row {
                let replace = rng.uniform() <= p
                // the random token is drawn for every position, as randint_like does, so streams line up
                let fresh = randomTokens == nil ? Float(rng.int(0, numLabels)) : 0
                m[j] = replace ? 1 : 0
                o[j] = replace ? (randomTokens?.data[j] ?? fresh) : xs[j]
            }
        }
        return (noised, mask)
    }

    /// Paella v3's per-token loss weight.
    ///
    /// Paella v3's per-token loss weight: w = 1 − (1 − mask)·(1 − t)·(1 − minValue). Replaced tokens weigh 1,
    /// kept ones between `minValue` (t → 0) and 1 (t → 1). `mask` `[N, ...]`, `t` `[N]`.
    public func lossWeight(mask: Tensor, t: Tensor, minValue: Float = 0.3) -> Tensor {
        let n = mask.shape[0], row = mask.count / max(n, 1)
        let out = Tensor.zeros(mask.shape)
        let ms = mask.data, ts = t.data, o = out.mutableData
        for r in 0..<n {
            for j in r * row..<(r + 1) * row { o[j] = 1 - (1 - ms[j]) * (1 - ts[r]) * (1 - minValue) }
        }
        return out
    }

    /// Training t per row: v3's distributed script, t = clamp(1 − U + 0.001, 0.001, 1); v1, r ~ U[0, 1).
    public func sampleTimes(_ count: Int, rng: inout ArrozRandom) -> Tensor {
        Tensor(
            (0..<count).map { _ in
                rate == .linear ? min(max(1 - rng.uniform() + 0.001, 0.001), 1) : rng.uniform()
            })
    }
}

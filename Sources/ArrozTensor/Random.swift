// Random: an explicit, seeded generator (xoshiro256** seeded by SplitMix64) — same seed, same bytes.
import Foundation

/// A seeded pseudo-random generator. Every random draw in arroz-studio takes one `inout`; there is no global one.
///
/// Algorithm: xoshiro256** (Blackman & Vigna, 2018) with its state filled by SplitMix64 from the seed, as in
/// their reference `xoshiro256starstar.c`. The state is a plain value, so it can be saved in checkpoints.
public struct ArrozRandom: RandomNumberGenerator, Sendable, Codable, Hashable {
    public var state: [UInt64]

    public init(seed: UInt64) {
        var sm = seed
        func splitmix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = [splitmix(), splitmix(), splitmix(), splitmix()]
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = Self.rotl(state[3], 45)
        return result
    }

    /// Uniform in [0, 1) with 24 bits of mantissa.
    public mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [0, 1) with 53 bits.
    public mutating func uniformDouble() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * uniform() }

    /// Standard normal by Box–Muller (the cosine branch; one draw per call).
    public mutating func normal() -> Float {
        let u1 = max(uniformDouble(), 1e-300)
        let u2 = uniformDouble()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Fills `buffer` with standard normals, using both Box–Muller outputs.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        var i = 0
        let n = buffer.count
        while i < n {
            let u1 = max(uniformDouble(), 1e-300)
            let u2 = uniformDouble()
            let r = (-2 * log(u1)).squareRoot()
            buffer[i] = mean + std * Float(r * cos(2 * Double.pi * u2))
            if i + 1 < n { buffer[i + 1] = mean + std * Float(r * sin(2 * Double.pi * u2)) }
            i += 2
        }
    }

    /// Uniform integer in `low..<high` (unbiased, Lemire's method via the standard library).
    public mutating func int(_ low: Int, _ high: Int) -> Int {
        precondition(high > low, "ArrozRandom.int: empty range \(low)..<\(high)")
        return Int.random(in: low..<high, using: &self)
    }

    /// True with probability `p`.
    public mutating func bernoulli(_ p: Float) -> Bool { uniform() < p }

    /// Standard Gumbel draw, −log(−log u).
    public mutating func gumbel() -> Float {
        let u = max(uniformDouble(), 1e-20)
        return Float(-log(-log(u)))
    }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    public mutating func categorical(_ weights: UnsafeBufferPointer<Float>) -> Int {
        var total: Double = 0
        for w in weights { total += Double(max(w, 0)) }
        precondition(total > 0, "ArrozRandom.categorical: all weights are zero")
        var r = uniformDouble() * total
        for (i, w) in weights.enumerated() {
            r -= Double(max(w, 0))
            if r < 0 { return i }
        }
        return weights.count - 1
    }

    /// Gumbel-max sample from unnormalised logits: argmax(logits / temperature + g).
    public mutating func categorical(logits: UnsafeBufferPointer<Float>, temperature: Float = 1) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for (i, l) in logits.enumerated() {
            let v = l / temperature + gumbel()
            if v > bestValue {
                bestValue = v
                best = i
            }
        }
        return best
    }
}

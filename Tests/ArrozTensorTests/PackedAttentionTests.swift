// PackedAttentionTests: packedSelfAttention (the text encoders' inference attention) against a naive Double
// reference and against scaledDotProductAttention run on each sequence alone.
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

/// softmax(q_h·k_hᵀ/√d + M)·v_h for every sequence and head of packed `qkv` [T, 3E], in Double, one element
/// at a time: the textbook definition the fused kernel must reproduce.
func naivePackedAttention(_ qkv: [Float], lengths: [Int], E: Int, heads H: Int, causal: Bool) -> [Float] {
    let d = E / H, T = lengths.reduce(0, +)
    var out = [Float](repeating: 0, count: T * E)
    var t0 = 0
    for L in lengths {
        for h in 0..<H {
            for i in 0..<L {
                // element c of head h of part (0 q, 1 k, 2 v) of the sequence's token t
                func at(_ t: Int, _ part: Int, _ c: Int) -> Double {
                    Double(qkv[(t0 + t) * 3 * E + part * E + h * d + c])
                }
                var z = [Double](repeating: -.infinity, count: L)
                for j in 0..<L where !causal || j <= i {
                    z[j] = (0..<d).map { at(i, 0, $0) * at(j, 1, $0) }.reduce(0, +) / Double(d).squareRoot()
                }
                let mx = z.max()!
                let e = z.map { $0 == -.infinity ? 0 : exp($0 - mx) }
                let total = e.reduce(0, +)
                for c in 0..<d {
                    let o = (0..<L).map { e[$0] / total * at($0, 2, c) }.reduce(0, +)
                    out[(t0 + i) * E + h * d + c] = Float(o)
                }
            }
        }
        t0 += L
    }
    return out
}

@Suite struct PackedAttentionTests {
    /// Head widths 6 (no full 8-lane step in the dot), 12 (one step and a tail) and 32 (MiniLM's), lengths
    /// including an empty and a one-token sequence, both mask modes.
    @Test(arguments: [(6, 2), (12, 2), (32, 3)])
    func matchesNaiveReference(_ headWidth: Int, _ heads: Int) {
        var rng = ArrozRandom(seed: UInt64(headWidth))
        let E = headWidth * heads
        let lengths = [3, 0, 7, 1, 5]
        let T = lengths.reduce(0, +)
        let qkv = Tensor.randn([T, 3 * E], rng: &rng) * 1.5
        for causal in [false, true] {
            let y = packedSelfAttention(qkv, lengths: lengths, heads: heads, causal: causal)
            #expect(y.shape == [T, E])
            expectClose(
                y.scalars,
                naivePackedAttention(qkv.scalars, lengths: lengths, E: E, heads: heads, causal: causal),
                rtol: 1e-5, atol: 1e-5, "d=\(headWidth) H=\(heads) causal=\(causal)")
        }
    }

    /// Each sequence alone through the engine's general attention op ([1, H, L, d] heads) gives the same
    /// rows.
    @Test func equalsScaledDotProductAttentionPerSequence() {
        var rng = ArrozRandom(seed: 5)
        let (H, d) = (4, 8)
        let E = H * d
        let lengths = [9, 4, 12]
        let qkv = Tensor.randn([lengths.reduce(0, +), 3 * E], rng: &rng)
        for causal in [false, true] {
            let packed = packedSelfAttention(qkv, lengths: lengths, heads: H, causal: causal).scalars
            var t0 = 0
            for L in lengths {
                let rows = Tensor(Array(qkv.scalars[(t0 * 3 * E)..<((t0 + L) * 3 * E)]), shape: [L, 3 * E])
                func part(_ k: Int) -> Tensor {  // [L, E] → [1, H, L, d]
                    rows.slice(axis: 1, start: k * E, end: (k + 1) * E).reshaped([1, L, H, d])
                        .permuted([0, 2, 1, 3])
                }
                let o = scaledDotProductAttention(part(0), part(1), part(2), isCausal: causal)
                let merged = o.permuted([0, 2, 1, 3]).reshaped([L, E])
                expectClose(
                    Array(packed[(t0 * E)..<((t0 + L) * E)]), merged.scalars, rtol: 1e-5, atol: 1e-6,
                    "sequence of \(L), causal=\(causal)")
                t0 += L
            }
        }
    }
}

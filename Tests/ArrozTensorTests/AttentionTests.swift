// AttentionTests: scaled dot-product attention and multi-head attention against core-op compositions,
// masks, dropout, and gradients (including S ≠ L and a mask that requires grad).
import ArrozTensor
import Foundation
import ArrozTestSupport
import Testing

/// softmax(q·kᵀ·scale + mask)·v written with core ops and a scalar softmax (the reference for the fused op).
func referenceAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor, additive: Tensor? = nil) -> Tensor {
    let d = q.shape[q.rank - 1]
    var z = bmm(q, k, transB: true) * (1 / Float(d).squareRoot())
    if let additive { z = z + additive }
    let S = z.shape[z.rank - 1]
    var p = z.scalars
    for r in 0..<(p.count / S) {
        let row = p[(r * S)..<((r + 1) * S)]
        let mx = row.max()!
        let e = row.map { mx == -.infinity ? 0 : expf($0 - mx) }
        let sum = e.reduce(0, +)
        for s in 0..<S { p[r * S + s] = sum == 0 ? 0 : e[s] / sum }
    }
    return bmm(Tensor(p, shape: z.shape), v)
}

@Suite struct AttentionTests {
    @Test func sdpaMatchesReference() {
        var rng = ArrozRandom(seed: 21)
        let q = Tensor.randn([2, 3, 4, 5], rng: &rng), k = Tensor.randn([2, 3, 6, 5], rng: &rng)
        let v = Tensor.randn([2, 3, 6, 2], rng: &rng), m = Tensor.randn([4, 6], rng: &rng)
        expectClose(scaledDotProductAttention(q, k, v), referenceAttention(q, k, v), rtol: 1e-4, atol: 1e-5)
        expectClose(
            scaledDotProductAttention(q, k, v, mask: m), referenceAttention(q, k, v, additive: m),
            rtol: 1e-4, atol: 1e-5)
    }

    @Test func sdpaBoolAndCausalMasks() {
        var rng = ArrozRandom(seed: 22)
        let q = Tensor.randn([1, 2, 4, 3], rng: &rng), k = Tensor.randn([1, 2, 4, 3], rng: &rng)
        let v = Tensor.randn([1, 2, 4, 3], rng: &rng)
        var causal = [Float](repeating: 0, count: 16)
        for l in 0..<4 { for s in 0..<4 where s > l { causal[l * 4 + s] = 1 } }
        let bool = Tensor(causal, shape: [4, 4])
        let neg = Tensor(causal.map { $0 != 0 ? -Float.infinity : 0 }, shape: [4, 4])
        let ref = referenceAttention(q, k, v, additive: neg)
        expectClose(scaledDotProductAttention(q, k, v, maskedOut: bool), ref, rtol: 1e-4, atol: 1e-5)
        expectClose(scaledDotProductAttention(q, k, v, isCausal: true), ref, rtol: 1e-4, atol: 1e-5)
        // A fully masked row attends to nothing.
        let padAll = Tensor([1, 1, 1, 1], shape: [1, 1, 1, 4])
        #expect(scaledDotProductAttention(q, k, v, maskedOut: padAll).scalars.allSatisfy { $0 == 0 })
    }

    @Test func sdpaGradientsWithMaskAndCrossLength() {
        var rng = ArrozRandom(seed: 23)
        let q = Tensor.randn([2, 2, 3, 4], rng: &rng), k = Tensor.randn([2, 2, 5, 4], rng: &rng)
        let v = Tensor.randn([2, 2, 5, 3], rng: &rng), bias = Tensor.randn([2, 1, 3, 5], rng: &rng)
        let pad = Tensor([0, 0, 1, 0, 0, 0, 0, 0, 0, 1], shape: [2, 1, 1, 5])
        expectGradientsMatch([q, k, v, bias]) { t in
            scaledDotProductAttention(t[0], t[1], t[2], mask: t[3], maskedOut: pad)
        }
        expectGradientsMatch([q, k, v]) { t in scaledDotProductAttention(t[0], t[1], t[2], scale: 0.7) }
    }

    @Test func sdpaDropoutGradientsAndRate() {
        var rng = ArrozRandom(seed: 24)
        let q = Tensor.randn([1, 2, 3, 4], rng: &rng), k = Tensor.randn([1, 2, 5, 4], rng: &rng)
        let v = Tensor.randn([1, 2, 5, 3], rng: &rng)
        expectGradientsMatch([q, k, v]) { t in
            var r = ArrozRandom(seed: 99)  // the same dropout mask on every evaluation
            return scaledDotProductAttention(t[0], t[1], t[2], dropout: 0.3, rng: &r)
        }
        // With v = 1 each output is the row sum of dropped probabilities: mean 1 in expectation.
        let qb = Tensor.randn([1, 1, 400, 4], rng: &rng), kb = Tensor.randn([1, 1, 50, 4], rng: &rng)
        let ones = Tensor.ones([1, 1, 50, 1])
        let y = withNoGrad { scaledDotProductAttention(qb, kb, ones, dropout: 0.5, rng: &rng) }
        #expect(abs(y.mean().item - 1) < 0.05)
        #expect(y.scalars.contains { abs($0 - 1) > 0.1 })
    }

    @Test func mhaMatchesComposition() {
        var rng = ArrozRandom(seed: 25)
        let (N, L, S, E, H) = (2, 3, 4, 6, 2)
        let query = Tensor.randn([N, L, E], rng: &rng), kv = Tensor.randn([N, S, E], rng: &rng)
        let wIn = Tensor.randn([3 * E, E], rng: &rng), bIn = Tensor.randn([3 * E], rng: &rng)
        let wOut = Tensor.randn([E, E], rng: &rng), bOut = Tensor.randn([E], rng: &rng)
        let y = multiHeadAttention(
            query: query, key: kv, value: kv, inProjWeight: wIn, inProjBias: bIn,
            outProjWeight: wOut, outProjBias: bOut, heads: H)
        // Reference: three separate linears with copied weight rows, per-head attention, out projection.
        func rows(_ t: Tensor, _ r0: Int, _ n: Int, _ width: Int) -> Tensor {
            Tensor(Array(t.scalars[(r0 * width)..<((r0 + n) * width)]), shape: width == 1 ? [n] : [n, width])
        }
        let q = linear(query, weight: rows(wIn, 0, E, E), bias: rows(bIn, 0, E, 1))
        let k = linear(kv, weight: rows(wIn, E, E, E), bias: rows(bIn, E, E, 1))
        let v = linear(kv, weight: rows(wIn, 2 * E, E, E), bias: rows(bIn, 2 * E, E, 1))
        func split(_ t: Tensor, _ T: Int) -> Tensor { t.reshaped([N, T, H, E / H]).permuted([0, 2, 1, 3]) }
        let o = referenceAttention(split(q, L), split(k, S), split(v, S)).permuted([0, 2, 1, 3]).reshaped([
            N, L, E,
        ])
        expectClose(y, linear(o, weight: wOut, bias: bOut), rtol: 1e-4, atol: 1e-4)
    }

    @Test func mhaPerHeadMasksMatchSharedMasks() {
        // A [N·H, L, S] mask holding the same [L, S] mask for every (image, head) gives the same output.
        var rng = ArrozRandom(seed: 27)
        let (N, L, S, E, H) = (2, 3, 4, 4, 2)
        let query = Tensor.randn([N, L, E], rng: &rng), kv = Tensor.randn([N, S, E], rng: &rng)
        let wIn = Tensor.randn([3 * E, E], rng: &rng), wOut = Tensor.randn([E, E], rng: &rng)
        let m = Tensor.randn([L, S], rng: &rng)
        let perHead = Tensor(Array(repeating: m.scalars, count: N * H).flatMap { $0 }, shape: [N * H, L, S])
        func run(_ additive: Tensor?, _ bool: Tensor?) -> Tensor {
            multiHeadAttention(query: query, key: kv, value: kv, inProjWeight: wIn, inProjBias: nil,
                               outProjWeight: wOut, outProjBias: nil, heads: H, attnMask: additive,
                               boolAttnMask: bool)
        }
        expectClose(run(perHead, nil), run(m, nil), rtol: 1e-6, atol: 1e-6)
        let b = Tensor([0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0], shape: [L, S])
        let bPerHead = Tensor(Array(repeating: b.scalars, count: N * H).flatMap { $0 }, shape: [N * H, L, S])
        expectClose(run(nil, bPerHead), run(nil, b), rtol: 1e-6, atol: 1e-6)
        // A mask that differs per head changes only that head's output.
        var differing = perHead.scalars
        for i in (L * S)..<(2 * L * S) { differing[i] = 0 }  // image 0, head 1: no mask
        #expect(run(Tensor(differing, shape: [N * H, L, S]), nil).scalars != run(perHead, nil).scalars)
    }

    @Test func mhaGradients() {
        var rng = ArrozRandom(seed: 26)
        let (N, L, S, E, H) = (2, 2, 3, 4, 2)
        let query = Tensor.randn([N, L, E], rng: &rng), key = Tensor.randn([N, S, E], rng: &rng)
        let value = Tensor.randn([N, S, E], rng: &rng)
        let wIn = Tensor.randn([3 * E, E], rng: &rng) * 0.5, bIn = Tensor.randn([3 * E], rng: &rng)
        let wOut = Tensor.randn([E, E], rng: &rng) * 0.5, bOut = Tensor.randn([E], rng: &rng)
        let attnMask = Tensor.randn([L, S], rng: &rng)
        let pad = Tensor([0, 0, 1, 0, 0, 0], shape: [N, S])
        expectGradientsMatch([query, key, value, wIn, bIn, wOut, bOut]) { t in
            multiHeadAttention(
                query: t[0], key: t[1], value: t[2], inProjWeight: t[3], inProjBias: t[4],
                outProjWeight: t[5], outProjBias: t[6], heads: H, attnMask: attnMask,
                keyPaddingMask: pad)
        }
        // Self-attention: the same tensor is query, key and value (gradients from three paths add up).
        let x = Tensor.randn([N, S, E], rng: &rng)
        let boolMask = Tensor([0, 1, 0, 0, 0, 1, 0, 0, 0], shape: [S, S])
        expectGradientsMatch([x, wIn]) { t in
            multiHeadAttention(
                query: t[0], key: t[0], value: t[0], inProjWeight: t[1], inProjBias: nil,
                outProjWeight: wOut, outProjBias: nil, heads: H, boolAttnMask: boolMask)
        }
    }
}

@Suite struct FastExpTests {
    @Test func fastExpMatchesFoundation() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88.3 {
            let ref = Foundation.exp(x)
            worst = max(worst, abs(fastExp(x) - ref) / ref)
            x += 0.0137
        }
        #expect(worst < 5e-7, "worst relative error \(worst)")
        #expect(fastExp(-.infinity) == 0 && fastExp(-100) == 0 && fastExp(-87.4) == 0 && fastExp(0) == 1)
        #expect(abs(fastExp(1) - Float(M_E)) < 1e-6 && fastExp(89).isFinite && fastExp(.infinity).isFinite)
    }

    @Test func softmaxRowHandlesTailsAndMaskedRows() {
        for n in [1, 7, 8, 13, 24] {
            var row = (0..<n).map { Float($0 % 5) - 2 + ($0 == 3 ? -Float.infinity : 0) }
            let mx = row.max()!
            let e = row.map { Foundation.exp($0 - mx) }
            let expected = e.map { $0 / e.reduce(0, +) }
            row.withUnsafeMutableBufferPointer { softmaxRowInPlace($0.baseAddress!, n) }
            expectClose(row, expected, rtol: 1e-6, atol: 1e-7, "n=\(n)")
        }
        var masked = [Float](repeating: -.infinity, count: 9)
        masked.withUnsafeMutableBufferPointer { softmaxRowInPlace($0.baseAddress!, 9) }
        #expect(masked.allSatisfy { $0 == 0 })
    }
}

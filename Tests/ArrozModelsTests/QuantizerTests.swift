// QuantizerTests: the Haar transform (exact inverse, pytorch_wavelets' band order) and the vector quantiser
// (nearest code, straight-through gradient, losses, one EMA step, dead-code restarts, usage) by hand.
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

@Suite struct QuantizerTests {
    @Test func haarMatchesPytorchWaveletsOnOneBlock() {
        // DWTForward(J=1, wave='db1', mode='reflect') on [[1, 2], [3, 5]]: yl 5.5, yh −2.5, −1.5, 0.5
        let y = haarDWT(Tensor([1, 2, 3, 5], shape: [1, 1, 2, 2]))
        #expect(y.shape == [1, 4, 1, 1])
        expectClose(y, [5.5, -2.5, -1.5, 0.5])
    }

    @Test func haarInverseIsExactAndGradientsMatch() {
        var rng = ArrozRandom(seed: 11)
        let x = Tensor.randn([2, 3, 6, 4], rng: &rng)
        let y = haarDWT(x)
        #expect(y.shape == [2, 12, 3, 2])
        // band-major channels: LL of channel 1 is channel 1, H3 of channel 2 is channel 9+2 = 11
        let (a, b, c, d) = (x[1, 2, 2, 0], x[1, 2, 2, 1], x[1, 2, 3, 0], x[1, 2, 3, 1])
        #expect(abs(y[1, 11, 1, 0] - (a - b - c + d) / 2) < 1e-6)
        let back = haarIDWT(y)
        // powers of ½ on both sides: exact up to one rounding of each sum
        expectClose(back, x, rtol: 0, atol: 1e-6, "idwt(dwt(x))")
        expectClose(haarDWT(haarIDWT(y)), y, rtol: 0, atol: 1e-6, "dwt(idwt(y))")
        expectGradientsMatch([Tensor.randn([1, 2, 4, 4], rng: &rng)]) { haarDWT($0[0]) }
        expectGradientsMatch([Tensor.randn([1, 8, 2, 3], rng: &rng)]) { haarIDWT($0[0]) }
    }

    /// Codebook e₀ = (1, 0), e₁ = (0, 1), e₂ = (−1, 0); rows z₀ = (0.9, 0.2) → 0, z₁ = (0.1, 0.7) → 1,
    /// z₂ = (−0.6, −0.1) → 2, z₃ = (0.8, −0.3) → 0.
    static func handExample(ema: Bool) -> (VectorQuantizer, Tensor) {
        var rng = ArrozRandom(seed: 1)
        var o = VQOptions()
        o.ema = ema
        let q = VectorQuantizer(2, codebookSize: 3, options: o, rng: &rng)
        q.codebook.assign([1, 0, 0, 1, -1, 0])
        return (q, Tensor([0.9, 0.2, 0.1, 0.7, -0.6, -0.1, 0.8, -0.3], shape: [4, 2]))
    }

    @Test func nearestCodeStraightThroughAndLosses() {
        let (q, z) = Self.handExample(ema: false)
        q.eval()
        z.requiresGrad = true
        let r = q(z)
        #expect(r.indices == [0, 1, 2, 0])
        expectClose(r.quantized, [1, 0, 0, 1, -1, 0, 1, 0])
        // ‖z − e‖² summed: 0.01+0.04, 0.01+0.09, 0.16+0.01, 0.04+0.09 = 0.45 over 8 elements
        expectClose(r.vqLoss, [0.45 / 8], atol: 1e-7)
        expectClose(r.commitLoss, [0.45 / 8], atol: 1e-7)
        expectClose(r.loss, [1.25 * 0.45 / 8], atol: 1e-7)
        // straight-through: d/dz Σ w·q = w; commitment adds β·2(z − e)/8
        let w = Tensor([1, 2, 3, 4, 5, 6, 7, 8], shape: [4, 2])
        ((r.quantized * w).sum() + 0.25 * r.commitLoss).backward()
        let zq: [Float] = [1, 0, 0, 1, -1, 0, 1, 0]
        let expected = (0..<8).map { w.data[$0] + 0.25 * 2 * (z.data[$0] - zq[$0]) / 8 }
        expectClose(z.grad!, expected, atol: 1e-6, "straight-through + commitment gradient")
        // the codebook learns through the VQ loss: dL/de_k = Σ_{i_m = k} 2(e_k − z_m)/8
        q.codebook.grad = nil
        let r2 = q(z.detached())
        r2.vqLoss.backward()
        let g = q.codebook.grad!.scalars
        let e0: [Float] = [2 * ((1 - 0.9) + (1 - 0.8)) / 8, 2 * ((0 - 0.2) + (0 + 0.3)) / 8]
        expectClose(Array(g[0..<2]), e0, atol: 1e-6, "codebook gradient of e₀")
        expectClose(Array(g[2..<4]), [2 * (0 - 0.1) / 8, 2 * (1 - 0.7) / 8], atol: 1e-6, "codebook gradient of e₁")
    }

    @Test func oneEMAStepByHand() {
        let (q, z) = Self.handExample(ema: true)
        q.train()
        #expect(!q.codebook.requiresGrad)
        let r = q(z)
        // the output uses the codebook as it was before the update
        expectClose(r.quantized, [1, 0, 0, 1, -1, 0, 1, 0])
        // counts n = 0.99·1 + 0.01·[2, 1, 1] = [1.01, 1.0, 1.0]; Σ = 3.01; Laplace (n + ε)/(Σ + 3ε)·Σ
        let eps: Double = 1e-5
        let raw: [Double] = [1.01, 1.0, 1.0]
        let total = raw.reduce(0, +)
        let n = raw.map { ($0 + eps) / (total + 3 * eps) * total }
        expectClose(q.emaElementCount!, n.map(Float.init), rtol: 1e-6, atol: 0, "ema_element_count")
        // sums s = 0.99·0 + 0.01·[z₀ + z₃, z₁, z₂] = 0.01·[(1.7, −0.1), (0.1, 0.7), (−0.6, −0.1)]
        let s: [Double] = [0.017, -0.001, 0.001, 0.007, -0.006, -0.001]
        expectClose(q.emaWeightSum!, s.map(Float.init), rtol: 1e-5, atol: 1e-8, "ema_weight_sum")
        let e = (0..<6).map { Float(s[$0] / n[$0 / 2]) }
        expectClose(q.codebook, e, rtol: 1e-5, atol: 1e-8, "codebook = sum / count")
        // the losses are taken against the updated codebook
        var l: Double = 0
        for m in 0..<4 {
            let k = r.indices[m]
            for j in 0..<2 { l += pow(Double(z.data[m * 2 + j]) - Double(e[k * 2 + j]), 2) }
        }
        expectClose(r.commitLoss, [Float(l / 8)], rtol: 1e-5, "commit loss after the update")
        // eval calls never touch the codebook
        q.eval()
        let before = q.codebook.scalars
        _ = q(z)
        #expect(q.codebook.scalars == before)
    }

    @Test func deadCodesRestartFromBatchVectorsAndUsageCounts() {
        // one restart by hand: codes with EMA count below 0.5 take batch rows, count 1, sum = the row
        let (q, z) = Self.handExample(ema: true)
        var o = q.options
        o.deadCodeThreshold = 0.5
        var rng = ArrozRandom(seed: 5)
        let dq = VectorQuantizer(2, codebookSize: 3, options: o, rng: &rng)
        dq.codebook.assign([1, 0, 0, 1, -1, 0])
        dq.emaElementCount!.assign([2, 0.1, 0.7])
        #expect(dq.restartDeadCodes(from: z, indices: [0, 0, 2, 0], rng: &rng) == 1)
        let rows = (0..<4).map { [z[$0, 0], z[$0, 1]] }
        #expect(rows.contains([dq.codebook[1, 0], dq.codebook[1, 1]]), "code 1 restarted from a batch row")
        #expect(dq.emaElementCount!.scalars == [2, 1, 0.7])
        expectClose([dq.emaWeightSum![1, 0], dq.emaWeightSum![1, 1]], [dq.codebook[1, 0], dq.codebook[1, 1]])
        expectClose([dq.codebook[0, 0], dq.codebook[2, 0]], [1, -1], "live codes stay")
        _ = q
        // in training, restarts revive codes that a far-away batch never picks
        func trained(threshold: Float?) -> Float {
            var rng = ArrozRandom(seed: 5)
            var o = VQOptions()
            o.ema = true
            o.deadCodeThreshold = threshold
            let q = VectorQuantizer(2, codebookSize: 8, options: o, rng: &rng)
            let z = Tensor.randn([64, 2], rng: &rng) + 3                       // far from the U(±1/8) codes
            q.train()
            for _ in 0..<60 { _ = q(z) }
            q.eval()
            q.resetUsage()
            _ = q(z)
            return q.usedFraction
        }
        let without = trained(threshold: nil), with = trained(threshold: 0.9)
        #expect(with > without, "used fraction with restarts \(with), without \(without)")
        #expect(with >= 0.5)
        // usage counts every call since the last reset; perplexity of a batch histogram
        q.eval()
        q.resetUsage()
        #expect(q.usedFraction == 0)
        _ = q(z)
        #expect(q.usage == [2, 1, 1] && q.usedFraction == 1)
        #expect(VectorQuantizer.perplexity([0, 1, 2, 3], codebookSize: 8) > 3.99)
        #expect(VectorQuantizer.perplexity([1, 1, 1], codebookSize: 8) == 1)
    }

    @Test func l2AndLowDimensionalCodes() {
        var rng = ArrozRandom(seed: 6)
        var o = VQOptions()
        o.l2Normalized = true
        o.codeDimension = 3
        let q = VectorQuantizer(8, codebookSize: 16, options: o, rng: &rng)
        #expect(q.namedParameters().map(\.0) == ["codebook.weight", "in_proj.weight", "in_proj.bias",
                                                   "out_proj.weight", "out_proj.bias"])
        #expect(q.codebook.shape == [16, 3])
        let x = Tensor.randn([5, 8], rng: &rng)
        x.requiresGrad = true
        let r = q(x)
        #expect(r.quantized.shape == [5, 8])
        let unit = q.effectiveCodebook()
        for k in 0..<16 {
            let n = (0..<3).map { unit[k, $0] * unit[k, $0] }.reduce(0, +)
            #expect(abs(n - 1) < 1e-5)
        }
        (r.quantized.sum() + r.loss).backward()
        #expect(x.grad != nil && q.inProj!.weight.grad != nil && q.codebook.grad != nil)
    }
}

// LinearResidualTests: linear(_:weight:bias:adding:), the residual connection summed inside the product,
// against linear + add and by gradient check; GELU against a Double reference (value and derivative) over a
// dense range, in lengths that leave a vector tail.
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

@Suite struct LinearResidualTests {
    @Test func addingEqualsLinearPlusResidual() {
        var rng = ArrozRandom(seed: 31)
        let x = Tensor.randn([2, 3, 5], rng: &rng), w = Tensor.randn([4, 5], rng: &rng)
        let b = Tensor.randn([4], rng: &rng), r = Tensor.randn([2, 3, 4], rng: &rng)
        expectClose(linear(x, weight: w, bias: b, adding: r), linear(x, weight: w, bias: b) + r, atol: 1e-6)
        expectClose(linear(x, weight: w, adding: r), linear(x, weight: w) + r, atol: 1e-6)
        // the naive product, element by element: y[n, o] = r[n, o] + b[o] + Σ_i x[n, i]·w[o, i]
        let y = linear(x, weight: w, bias: b, adding: r).scalars
        var naive = [Float](repeating: 0, count: 24)
        for n in 0..<6 {
            for o in 0..<4 {
                let dot = (0..<5).map { Double(x.scalars[n * 5 + $0]) * Double(w.scalars[o * 5 + $0]) }
                let sum = Double(r.scalars[n * 4 + o]) + Double(b.scalars[o]) + dot.reduce(0, +)
                naive[n * 4 + o] = Float(sum)
            }
        }
        expectClose(y, naive, rtol: 1e-5, atol: 1e-5)
    }

    @Test func addingGradients() {
        var rng = ArrozRandom(seed: 32)
        let x = Tensor.randn([3, 5], rng: &rng), w = Tensor.randn([4, 5], rng: &rng)
        let b = Tensor.randn([4], rng: &rng), r = Tensor.randn([3, 4], rng: &rng)
        expectGradientsMatch([x, w, b, r]) { t in linear(t[0], weight: t[1], bias: t[2], adding: t[3]) }
        expectGradientsMatch([x, w, r]) { t in linear(t[0], weight: t[1], adding: t[2]) }
        // A residual that also feeds the next op (the transformer pattern): its gradient adds up from both.
        expectGradientsMatch([x, w, r]) { t in linear(t[0], weight: t[1], adding: t[2]) * t[2] }
    }

    /// GELU (the engine's one erf) against ½x(1 + erf(x/√2)) and Φ(x) + xφ(x) in Double, on 1003 points
    /// (125 vector steps and a 3-element tail) spanning [−9, 9].
    @Test func geluMatchesDoubleReference() {
        let n = 1003
        let xs = (0..<n).map { -9 + 18 * Float($0) / Float(n - 1) }
        let x = Tensor(xs, shape: [n])
        let y = withNoGrad { x.gelu() }.scalars
        let ref = xs.map { v -> Float in
            let d = Double(v)
            return Float(0.5 * d * (1 + erf(d / 2.0.squareRoot())))
        }
        // ½x·(erf error ≤ 4.2e−7) reaches 1.2e−6 at the clamp (|x| = 4√2); torch's float 1 + erf is as coarse
        expectClose(y, ref, rtol: 1e-6, atol: 1.5e-6, "gelu")
        let leaf = x.detached()
        leaf.requiresGrad = true
        leaf.gelu().sum().backward()
        let dref = xs.map { v -> Float in
            let d = Double(v)
            let density = exp(-d * d / 2) / (2 * Double.pi).squareRoot()
            return Float(0.5 * (1 + erf(d / 2.0.squareRoot())) + d * density)
        }
        expectClose(leaf.grad!.scalars, dref, rtol: 1e-5, atol: 1e-6, "gelu'")
    }

    /// The no-grad layerNorm (no statistics kept) gives the same values as the path that records a graph.
    @Test func layerNormWithoutGraphEqualsRecordedPath() {
        var rng = ArrozRandom(seed: 33)
        let x = Tensor.randn([5, 384], rng: &rng) * 2 + 1
        let w = Tensor.randn([384], rng: &rng), b = Tensor.randn([384], rng: &rng)
        let frozen = withNoGrad { layerNorm(x, weight: w, bias: b, eps: 1e-12) }
        let leaf = x.detached()
        leaf.requiresGrad = true
        let recorded = layerNorm(leaf, weight: w, bias: b, eps: 1e-12)
        #expect(!frozen.requiresGrad && recorded.requiresGrad)
        #expect(frozen.scalars == recorded.scalars)
    }
}

// OneDNNTests: the oneDNN backend in bf16 against the naive reference (fp32 oneDNN runs in ConvBackendTests
// with every other backend), the precision scope, and conv2d's routing under it. Without libdnnl.so.2 the
// bf16 checks have nothing to run and only the fallbacks are exercised.
@testable import ArrozTensor
import ArrozTestSupport
import Testing

@Suite struct OneDNNTests {
    /// bf16 rounds each input to 8 significant bits (relative error ≤ 2⁻⁹), so a sum of K products of unit
    /// normals is off by about 2⁻⁸·√K; the tolerance allows 4× that.
    static func bf16Tolerance(_ k: Int) -> Float { 4 * Float(k).squareRoot() / 256 }

    @Test(arguments: (convGeometries + winogradGeometries).indices)
    func bf16MatchesNaiveWithinRounding(_ index: Int) {
        let geo = (convGeometries + winogradGeometries)[index]
        var rng = ArrozRandom(seed: UInt64(300 + index))
        let x = Tensor.randn(geo.inputShape, rng: &rng), w = Tensor.randn(geo.weightShape, rng: &rng)
        let b = Tensor.randn([geo.outChannels], rng: &rng), dy = Tensor.randn(geo.outputShape, rng: &rng)
        let prior = Tensor.randn(geo.inputShape, rng: &rng)
        func run(_ be: any ConvBackend) -> [[Float]] {
            let y = Tensor.zeros(geo.outputShape)
            be.forward(
                geo, input: x.storage.pointer, weight: w.storage.pointer, bias: b.storage.pointer,
                output: y.storage.pointer)
            let dx = prior.detached()
            be.backwardInput(
                geo, gradOutput: dy.storage.pointer, weight: w.storage.pointer, gradInput: dx.storage.pointer,
                accumulate: true)
            let dw = Tensor.full(geo.weightShape, 7)
            be.backwardWeight(
                geo, input: x.storage.pointer, gradOutput: dy.storage.pointer, gradWeight: dw.storage.pointer,
                accumulate: false)
            return [y.scalars, dx.scalars, dw.scalars]
        }
        let expected = run(NaiveConvBackend())
        let got = run(OneDNNConvBackend(bf16: true))
        // Reduction lengths: forward Cin/g·kh·kw, input gradient Cout/g·kh·kw, weight gradient N·Ho·Wo.
        let ks = [geo.patchSize, geo.outPerGroup * geo.kernelArea, geo.batch * geo.outPlane]
        for (i, name) in ["forward+bias", "dx accumulate", "dw"].enumerated() {
            expectClose(got[i], expected[i], rtol: 1e-2, atol: Self.bf16Tolerance(ks[i]), "bf16 \(name) \(geo)")
        }
    }

    @Test func precisionScopesNestAndRestore() {
        #expect(Precision.current == .fp32)
        withPrecision(.bf16) {
            #expect(Precision.current == .bf16)
            withPrecision(.fp32) { #expect(Precision.current == .fp32) }
            #expect(Precision.current == .bf16)
            #expect(Precision.effective == (Precision.bf16Available ? .bf16 : .fp32))
        }
        #expect(Precision.current == .fp32)
    }

    /// conv2d and its backward under bf16 stay within bf16 rounding of fp32, and the backward runs in the
    /// precision of the forward even when called outside the scope.
    @Test func conv2dHonoursPrecision() {
        var rng = ArrozRandom(seed: 9)
        let x = Tensor.randn([2, 16, 8, 8], rng: &rng), w = Tensor.randn([16, 16, 3, 3], rng: &rng)
        func grads(_ p: Precision) -> [[Float]] {
            let xl = x.detached(), wl = w.detached()
            xl.requiresGrad = true
            wl.requiresGrad = true
            let y = withPrecision(p) { conv2d(xl, weight: wl, padding: 1) }
            y.backward(gradient: Tensor.ones(y.shape))
            return [y.scalars, xl.grad!.scalars, wl.grad!.scalars]
        }
        let ref = grads(.fp32), low = grads(.bf16)
        for (i, k) in [16 * 9, 16 * 9, 2 * 64].enumerated() {
            expectClose(low[i], ref[i], rtol: 1e-2, atol: Self.bf16Tolerance(k), "conv2d bf16 output \(i)")
        }
        if Precision.bf16Available { #expect(low[0] != ref[0], "bf16 products should round") }
    }
}

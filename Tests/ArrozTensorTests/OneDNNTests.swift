// OneDNNTests: the oneDNN backend in bf16 against the naive reference (fp32 oneDNN runs in ConvBackendTests
// with every other backend), the precision scope, and conv2d's routing under it. Without libdnnl.so.2 the
// bf16 checks have nothing to run and only the fallbacks are exercised.
@testable import ArrozTensor
import ArrozTestSupport
import Testing

/// The backend test geometries plus one whose 32×32 output plane sends the weight gradient to oneDNN's bf16
/// kernel too (`OneDNNConvBackend.bf16WeightGradMinPlane`).
let bf16Geometries = convGeometries + winogradGeometries + [
    ConvGeometry(
        batch: 2, inChannels: 8, inHeight: 32, inWidth: 32, outChannels: 8, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
]

@Suite struct OneDNNTests {
    /// bf16 rounds each input to 8 significant bits (relative error ≤ 2⁻⁹), so a sum of K products of unit
    /// normals is off by about 2⁻⁸·√K; the tolerance allows 4× that.
    static func bf16Tolerance(_ k: Int) -> Float { 4 * Float(k).squareRoot() / 256 }

    @Test(arguments: bf16Geometries.indices)
    func bf16MatchesNaiveWithinRounding(_ index: Int) {
        let geo = bf16Geometries[index]
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

    /// sgemm under bf16: every transpose combination, a leading dimension wider than the row, alpha and beta,
    /// against the Double reference within bf16 rounding.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func bf16SgemmMatchesNaive(_ trans: (Bool, Bool)) {
        let (m, n, k) = (33, 40, 48)  // m·n·k above bf16GemmMinWork
        var rng = ArrozRandom(seed: 21)
        let lda = (trans.0 ? m : k) + 3
        let aRows = trans.0 ? k : m, bCols = trans.1 ? k : n, bRows = trans.1 ? n : k
        let a = Tensor.randn([aRows * lda], rng: &rng), b = Tensor.randn([bRows * bCols], rng: &rng)
        let c0 = Tensor.randn([m * n], rng: &rng)
        // Packed copy of A for the reference.
        let packedA = Tensor((0..<aRows).flatMap { r in (0..<(trans.0 ? m : k)).map { a.scalars[r * lda + $0] } },
                             shape: [aRows * (trans.0 ? m : k)])
        let ref = Tensor.zeros([m * n])
        sgemmNaive(transA: trans.0, transB: trans.1, m: m, n: n, k: k, a: packedA.storage.pointer,
                   b: b.storage.pointer, c: ref.storage.pointer)
        let c = c0.detached()
        withPrecision(.bf16) {
            sgemm(transA: trans.0, transB: trans.1, m: m, n: n, k: k, alpha: 0.5, a: a.storage.pointer, lda: lda,
                  b: b.storage.pointer, beta: 2, c: c.storage.pointer)
        }
        let expected = (0..<(m * n)).map { 0.5 * ref.scalars[$0] + 2 * c0.scalars[$0] }
        expectClose(c.scalars, expected, rtol: 1e-2, atol: Self.bf16Tolerance(k), "bf16 sgemm \(trans)")
    }

    /// One training step's gradients (conv → SiLU → attention → matmul → MSE) in bf16 against fp32: each
    /// parameter gradient within 3 % of the fp32 one in relative L2 norm, the loss within 1 %.
    @Test func trainingStepGradientsStayCloseToFP32() {
        var rng = ArrozRandom(seed: 33)
        let x = Tensor.randn([4, 8, 8, 8], rng: &rng), target = Tensor.randn([4, 64, 16], rng: &rng)
        let w1 = Tensor.randn([16, 8, 3, 3], std: 0.2, rng: &rng), w2 = Tensor.randn([16, 16], std: 0.25, rng: &rng)
        func step(_ p: Precision) -> (Float, [[Float]]) {
            let params = [w1, w2].map { $0.detached() }
            for t in params { t.requiresGrad = true }
            let loss = withPrecision(p) { () -> Tensor in
                let h = conv2d(x, weight: params[0], padding: 1).silu()  // [4, 16, 8, 8]
                let tokens = h.reshaped([4, 16, 64]).permuted([0, 2, 1])  // [4, 64, 16]
                let a = scaledDotProductAttention(tokens, tokens, tokens)
                let loss = mseLoss(matmul(a.reshaped([256, 16]), params[1]).reshaped([4, 64, 16]), target)
                loss.backward()
                return loss
            }
            return (loss.scalars[0], params.map { $0.grad!.scalars })
        }
        let (l32, g32) = step(.fp32), (l16, g16) = step(.bf16)
        #expect(abs(l16 - l32) <= 0.01 * abs(l32), "loss \(l16) vs \(l32)")
        for (i, (a, b)) in zip(g16, g32).enumerated() {
            let diff = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            let norm = b.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(diff <= 0.03 * norm, "parameter \(i): relative gradient error \(diff / norm)")
        }
    }
}

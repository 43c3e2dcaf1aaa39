// ConvBackendTests: every conv backend (and chunking of the im2col one) against the naive loop reference.
@testable import ArrozTensor
import ArrozTestSupport
import Testing

/// Small geometries covering stride, asymmetric padding, groups, depthwise, 1×1 and kernels wider than the
/// input.
let convGeometries: [ConvGeometry] = [
    ConvGeometry(
        batch: 2, inChannels: 3, inHeight: 5, inWidth: 6, outChannels: 4, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    ConvGeometry(
        batch: 3, inChannels: 4, inHeight: 7, inWidth: 5, outChannels: 6, kernelHeight: 3, kernelWidth: 3,
        strideH: 2, strideW: 2, padTop: 0, padBottom: 1, padLeft: 1, padRight: 0),
    ConvGeometry(
        batch: 3, inChannels: 2, inHeight: 4, inWidth: 4, outChannels: 3, kernelHeight: 1, kernelWidth: 1),
    ConvGeometry(
        batch: 2, inChannels: 6, inHeight: 5, inWidth: 5, outChannels: 6, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 6),
    ConvGeometry(
        batch: 2, inChannels: 8, inHeight: 5, inWidth: 4, outChannels: 4, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 4),
    ConvGeometry(
        batch: 2, inChannels: 12, inHeight: 4, inWidth: 5, outChannels: 8, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 2),
    ConvGeometry(
        batch: 2, inChannels: 4, inHeight: 6, inWidth: 6, outChannels: 4, kernelHeight: 4, kernelWidth: 4,
        strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    ConvGeometry(
        batch: 1, inChannels: 3, inHeight: 7, inWidth: 6, outChannels: 3, kernelHeight: 3, kernelWidth: 3,
        strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 3),
    ConvGeometry(
        batch: 1, inChannels: 1, inHeight: 2, inWidth: 1, outChannels: 2, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    ConvGeometry(
        batch: 2, inChannels: 2, inHeight: 4, inWidth: 3, outChannels: 6, kernelHeight: 3, kernelWidth: 2,
        strideH: 1, strideW: 2, padTop: 2, padBottom: 0, padLeft: 0, padRight: 1, groups: 2),
    ConvGeometry(
        batch: 3, inChannels: 5, inHeight: 3, inWidth: 4, outChannels: 2, kernelHeight: 1, kernelWidth: 1,
        strideH: 2, strideW: 1, padTop: 1, padBottom: 0, padLeft: 0, padRight: 0),
    // Depthwise with padding wider than the kernel on two sides (the direct kernel's general fallback).
    ConvGeometry(
        batch: 2, inChannels: 4, inHeight: 3, inWidth: 4, outChannels: 4, kernelHeight: 3, kernelWidth: 3,
        padTop: 3, padBottom: 0, padLeft: 0, padRight: 3, groups: 4),
    // Depthwise 3×3 on rows wide enough for Depthwise3x3's SIMD columns (20 outputs: 8 + 8 + a tail of 4),
    // asymmetric padding 0–2.
    ConvGeometry(
        batch: 2, inChannels: 5, inHeight: 6, inWidth: 19, outChannels: 5, kernelHeight: 3, kernelWidth: 3,
        padTop: 2, padBottom: 0, padLeft: 1, padRight: 2, groups: 5),
    // Depthwise 7×7 with channel multiplier 2, and Paella's 2-in-1-out groups on a rectangular kernel.
    ConvGeometry(
        batch: 2, inChannels: 3, inHeight: 6, inWidth: 5, outChannels: 6, kernelHeight: 7, kernelWidth: 7,
        padTop: 3, padBottom: 3, padLeft: 3, padRight: 3, groups: 3),
    ConvGeometry(
        batch: 2, inChannels: 6, inHeight: 4, inWidth: 6, outChannels: 3, kernelHeight: 3, kernelWidth: 5,
        padTop: 1, padBottom: 1, padLeft: 2, padRight: 2, groups: 3),
]

/// 3×3 stride-1 geometries wide enough for Winograd: paddings 0–2, asymmetric, odd output sizes.
let winogradGeometries: [ConvGeometry] = [
    ConvGeometry(
        batch: 2, inChannels: 16, inHeight: 5, inWidth: 7, outChannels: 16, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    ConvGeometry(
        batch: 3, inChannels: 16, inHeight: 6, inWidth: 6, outChannels: 24, kernelHeight: 3, kernelWidth: 3),
    ConvGeometry(
        batch: 1, inChannels: 20, inHeight: 4, inWidth: 5, outChannels: 16, kernelHeight: 3, kernelWidth: 3,
        padTop: 2, padBottom: 0, padLeft: 1, padRight: 2),
    ConvGeometry(
        batch: 3, inChannels: 16, inHeight: 3, inWidth: 3, outChannels: 17, kernelHeight: 3, kernelWidth: 3,
        padTop: 2, padBottom: 2, padLeft: 2, padRight: 2),
    // Rows wide enough for the transforms' SIMD paths: 16 output columns (8 tiles + 16 interleaved outputs),
    // 24 (8 + 4 tiles, 16 + 8 outputs), and an odd 37-wide output with asymmetric padding (scalar tails;
    // 17·17 kernels leave a last block of 33 for the kernel transform's SIMD tail).
    ConvGeometry(
        batch: 2, inChannels: 16, inHeight: 16, inWidth: 16, outChannels: 16, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    ConvGeometry(
        batch: 1, inChannels: 16, inHeight: 5, inWidth: 24, outChannels: 17, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    ConvGeometry(
        batch: 1, inChannels: 17, inHeight: 4, inWidth: 37, outChannels: 17, kernelHeight: 3, kernelWidth: 3,
        padTop: 0, padBottom: 2, padLeft: 2, padRight: 0),
    // The bottleneck of a U-Net: 1×1 and 2×9 maps.
    ConvGeometry(
        batch: 2, inChannels: 16, inHeight: 1, inWidth: 1, outChannels: 16, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    ConvGeometry(
        batch: 2, inChannels: 16, inHeight: 2, inWidth: 9, outChannels: 16, kernelHeight: 3, kernelWidth: 3,
        padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
]

/// The backends under test: the registry plus the im2col backend forced to one image per chunk and to chunks
/// of
/// two (so a batch of three leaves a remainder chunk).
func backendsUnderTest(_ geo: ConvGeometry) -> [any ConvBackend] {
    let tiles = ((geo.outHeight + 1) / 2) * ((geo.outWidth + 1) / 2)
    return ConvBackends.all.filter { $0.name != "naive" } + [
        GemmConvBackend(columnBudget: 1, minColumns: 1),
        GemmConvBackend(columnBudget: 1, minColumns: 2 * geo.outPlane),
        WinogradConvBackend(tileBudget: 1, minTiles: 1),
        WinogradConvBackend(tileBudget: 1, minTiles: 2 * tiles),
    ]
}

@Suite struct ConvBackendTests {
    @Test(arguments: (convGeometries + winogradGeometries).indices)
    func backendMatchesNaive(_ index: Int) {
        let geo = (convGeometries + winogradGeometries)[index]
        var rng = ArrozRandom(seed: UInt64(100 + index))
        let x = Tensor.randn(geo.inputShape, rng: &rng), w = Tensor.randn(geo.weightShape, rng: &rng)
        let b = Tensor.randn([geo.outChannels], rng: &rng), dy = Tensor.randn(geo.outputShape, rng: &rng)
        let prior = Tensor.randn(geo.inputShape, rng: &rng), priorW = Tensor.randn(geo.weightShape, rng: &rng)
        let naive = NaiveConvBackend()

        func run(_ be: any ConvBackend) -> [[Float]] {
            let y = Tensor.zeros(geo.outputShape), yb = Tensor.zeros(geo.outputShape)
            be.forward(
                geo, input: x.storage.pointer, weight: w.storage.pointer, bias: nil, output: y.storage.pointer
            )
            be.forward(
                geo, input: x.storage.pointer, weight: w.storage.pointer, bias: b.storage.pointer,
                output: yb.storage.pointer)
            let dx = Tensor.full(geo.inputShape, 7), dxAcc = prior.detached()
            be.backwardInput(
                geo, gradOutput: dy.storage.pointer, weight: w.storage.pointer,
                gradInput: dx.storage.pointer, accumulate: false)
            be.backwardInput(
                geo, gradOutput: dy.storage.pointer, weight: w.storage.pointer,
                gradInput: dxAcc.storage.pointer, accumulate: true)
            let dw = Tensor.full(geo.weightShape, 7), dwAcc = priorW.detached()
            be.backwardWeight(
                geo, input: x.storage.pointer, gradOutput: dy.storage.pointer,
                gradWeight: dw.storage.pointer, accumulate: false)
            be.backwardWeight(
                geo, input: x.storage.pointer, gradOutput: dy.storage.pointer,
                gradWeight: dwAcc.storage.pointer, accumulate: true)
            return [y, yb, dx, dxAcc, dw, dwAcc].map(\.scalars)
        }
        let expected = run(naive)
        let names = ["forward", "forward+bias", "dx", "dx accumulate", "dw", "dw accumulate"]
        for be in backendsUnderTest(geo) {
            for (i, got) in run(be).enumerated() {
                expectClose(got, expected[i], rtol: 1e-4, atol: 1e-4, "\(be.name) \(names[i]) \(geo)")
            }
        }
    }

    @Test func pointwiseIsPlainMatmul() {
        // A 1×1 conv is y_n = W · x_n per image.
        var rng = ArrozRandom(seed: 9)
        let x = Tensor.randn([2, 3, 2, 2], rng: &rng), w = Tensor.randn([4, 3, 1, 1], rng: &rng)
        let y = conv2d(x, weight: w)
        let x0 = x.scalars, w0 = w.scalars
        for n in 0..<2 {
            for co in 0..<4 {
                for p in 0..<4 {
                    var acc: Float = 0
                    for ci in 0..<3 { acc += w0[co * 3 + ci] * x0[(n * 3 + ci) * 4 + p] }
                    #expect(abs(y[n, co, p / 2, p % 2] - acc) < 1e-5)
                }
            }
        }
    }

    @Test func winogradTakesOnlyWhatItCan() {
        #expect(winogradGeometries.allSatisfy(WinogradConvBackend.suits))
        #expect(!convGeometries.contains(where: WinogradConvBackend.suits))
    }

    @Test func emptyBatchGivesZeroWeightGradient() {
        for (cin, cout, groups) in [(16, 16, 1), (4, 4, 4), (3, 5, 1)] {
            let x = Tensor.zeros([0, cin, 4, 4], requiresGrad: true)
            let w = Tensor.ones([cout, cin / groups, 3, 3], requiresGrad: true)
            let y = conv2d(x, weight: w, padding: 1, groups: groups)
            #expect(y.shape == [0, cout, 4, 4])
            y.sum().backward()
            expectClose(w.grad ?? Tensor.ones(w.shape), Tensor.zeros(w.shape), "dw, groups \(groups)")
        }
    }

    @Test func geometryOutputSizes() {
        let g = ConvGeometry(
            batch: 1, inChannels: 1, inHeight: 7, inWidth: 8, outChannels: 1, kernelHeight: 3,
            kernelWidth: 4, strideH: 2, strideW: 3, padTop: 1, padBottom: 0, padLeft: 2, padRight: 1)
        #expect(g.outHeight == 3)  // (7 + 1 + 0 − 3) / 2 + 1
        #expect(g.outWidth == 3)  // (8 + 2 + 1 − 4) / 3 + 1
        #expect(g.flops == 2 * 9 * 12)
    }
}

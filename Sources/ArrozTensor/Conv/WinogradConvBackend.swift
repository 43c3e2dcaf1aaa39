// WinogradConvBackend: 3×3 stride-1 convolutions by Winograd F(2×2, 3×3) + 16 sgemms per chunk; everything
// else (strides, other kernels, groups, thin channels) falls through to im2col + sgemm.

/// Winograd for the U-Net workhorse (3×3, stride 1, groups 1, padding ≤ 2 per side), im2col otherwise.
///
///   forward         M[ξ] = U[ξ] · V[ξ]            U = G w Gᵀ [16][Cout][Cin],  V = Bᵀ x B [16][Cin][tiles]
///   backwardInput   the same on dy with the flipped, transposed kernel and padding 2 − p (a "full"
///     correlation)
///   backwardWeight  dU[ξ] += Z[ξ] · V[ξ]ᵀ        Z = A dy Aᵀ [16][Cout][tiles],  dw = Gᵀ dU G
/// Per 2×2 output tile this multiplies 16 times per channel pair instead of 36: 2.25× fewer flops than
/// im2col,
/// and the transformed input is 4× the input instead of im2col's 9×. Transforms in `Winograd.swift`.
public struct WinogradConvBackend: ConvBackend {
    /// Where non-3×3 (and thin) convolutions go.
    public var fallback: GemmConvBackend
    /// Floats of transformed input + output per chunk of images (keeps the sgemm operands in cache).
    public var tileBudget: Int
    /// Fewest tiles per chunk worth an sgemm (folds small images together).
    public var minTiles: Int

    /// Run the 16 independent sgemms of a chunk spread over the threads, each serial, instead of one after
    /// another, each split across the threads (`winograd-split-gemms`). Faster and steadier (measured with
    /// `bench ops`, 2 threads, 64→64 32×32 fwd+bwd: 255 vs 201 GFLOP/s, when the other way was OpenBLAS's
    /// own threads): one parallel region per chunk instead of sixteen.
    public var parallelGemms: Bool
    /// Fewest tiles in a whole call (batch × tiles per image) for Winograd; smaller calls go to `fallback`.
    /// Below that the kernel transform (16 floats written and re-read per 9 weights, every call) costs more
    /// than the 2.25× fewer multiplies save: at batch 2 the 8×8 level of the DDPM U-Net (32 tiles, 256–512
    /// channels) runs faster as im2col + sgemm, which reads each weight once.
    public var minCallTiles: Int

    public init(
        fallback: GemmConvBackend = GemmConvBackend(), tileBudget: Int = 1 << 20, minTiles: Int = 256,
        parallelGemms: Bool = true, minCallTiles: Int = 0
    ) {
        self.fallback = fallback
        self.tileBudget = tileBudget
        self.minTiles = minTiles
        self.parallelGemms = parallelGemms
        self.minCallTiles = minCallTiles
    }

    public var name: String { parallelGemms ? "winograd" : "winograd-split-gemms" }

    /// Runs `gemm(ξ)` for ξ = 0..<16, in parallel over ξ when `parallelGemms`.
    private func eachTransformIndex(_ gemm: (Int) -> Void) {
        guard parallelGemms && Threads.count > 1 else {
            for xi in 0..<16 { gemm(xi) }
            return
        }
        // One contiguous run of ξ per thread; sgemm inside a parallel region stays serial on its thread.
        parallelFor(16) { xis in
            for xi in xis { gemm(xi) }
        }
    }

    /// Whether this backend runs `geo` on Winograd: it suits, and the call has enough tiles.
    func takes(_ geo: ConvGeometry) -> Bool {
        Self.suits(geo) && geo.batch * WinogradTiling(geo).perImage >= minCallTiles
    }

    /// Whether `geo` runs on Winograd; its input-gradient convolution (padding 2 − p) must qualify too.
    public static func suits(_ geo: ConvGeometry) -> Bool {
        geo.kernelHeight == 3 && geo.kernelWidth == 3 && geo.strideH == 1 && geo.strideW == 1
            && geo.groups == 1
            && max(geo.padTop, geo.padBottom, geo.padLeft, geo.padRight) <= 2
            && min(geo.inChannels, geo.outChannels) >= 16
    }

    /// The convolution whose forward is `geo`'s input gradient: dy in, dx out, kernel flipped and transposed.
    static func inputGradientGeometry(_ geo: ConvGeometry) -> ConvGeometry {
        ConvGeometry(
            batch: geo.batch, inChannels: geo.outChannels, inHeight: geo.outHeight, inWidth: geo.outWidth,
            outChannels: geo.inChannels, kernelHeight: 3, kernelWidth: 3, padTop: 2 - geo.padTop,
            padBottom: 2 - geo.padBottom, padLeft: 2 - geo.padLeft, padRight: 2 - geo.padRight)
    }

    /// Images per chunk for `geo`.
    func chunk(_ geo: ConvGeometry) -> Int {
        let tiles = WinogradTiling(geo).perImage
        let perImage = 16 * (geo.inChannels + geo.outChannels) * tiles
        let byBudget = max(1, tileBudget / max(perImage, 1))
        let byWidth = (minTiles + tiles - 1) / tiles
        return max(1, min(geo.batch, max(byBudget, byWidth)))
    }

    public func forward(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        guard takes(geo) else {
            fallback.forward(geo, input: input, weight: weight, bias: bias, output: output)
            return
        }
        Scratch.with(16 * geo.outChannels * geo.inChannels) { u in
            Winograd.transformWeights(weight, cout: geo.outChannels, cin: geo.inChannels, into: u)
            run(geo, input: input, u: u, flipped: false, bias: bias, output: output, accumulate: false)
        }
    }

    public func backwardInput(
        _ geo: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        guard takes(geo) else {
            fallback.backwardInput(
                geo, gradOutput: gradOutput, weight: weight, gradInput: gradInput,
                accumulate: accumulate)
            return
        }
        let back = Self.inputGradientGeometry(geo)
        Scratch.with(16 * geo.outChannels * geo.inChannels) { u in
            Winograd.transformWeights(weight, cout: geo.outChannels, cin: geo.inChannels, into: u)
            run(
                back, input: gradOutput, u: u, flipped: true, bias: nil, output: gradInput,
                accumulate: accumulate)
        }
    }

    /// Winograd forward of `geo` with pre-transformed kernels `u` `[16][Cout][Cin]`, or, when `flipped`, with
    /// the flipped kernels of the convolution `geo` is the input gradient of (`u` of that one,
    /// `[16][Cin][Cout]`).
    private func run(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, u: UnsafePointer<Float>, flipped: Bool,
        bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let nb = chunk(geo), tiles = WinogradTiling(geo).perImage
        let (Ci, Co) = (geo.inChannels, geo.outChannels)
        Scratch.with(16 * Ci * nb * tiles, 16 * Co * nb * tiles) { v, m in
            for n0 in stride(from: 0, to: geo.batch, by: nb) {
                let images = n0..<min(geo.batch, n0 + nb)
                let T = images.count * tiles
                Winograd.transformInput(geo, input, images: images, into: v, ld: T)
                eachTransformIndex { xi in
                    if flipped {  // M[ξ] = U[σξ]ᵀ · V[ξ]
                        sgemm(
                            transA: true, m: Co, n: T, k: Ci, a: u + Winograd.flipped(xi) * Co * Ci,
                            b: v + xi * Ci * T, c: m + xi * Co * T)
                    } else {  // M[ξ] = U[ξ] · V[ξ]
                        sgemm(m: Co, n: T, k: Ci, a: u + xi * Co * Ci, b: v + xi * Ci * T, c: m + xi * Co * T)
                    }
                }
                Winograd.transformOutput(
                    geo, m, ld: T, images: images, into: output, bias: bias,
                    accumulate: accumulate)
            }
        }
    }

    public func backwardWeight(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        gradWeight: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        guard takes(geo) && geo.batch > 0 else {
            fallback.backwardWeight(
                geo, input: input, gradOutput: gradOutput, gradWeight: gradWeight,
                accumulate: accumulate)
            return
        }
        let nb = chunk(geo), tiles = WinogradTiling(geo).perImage
        let (Ci, Co) = (geo.inChannels, geo.outChannels)
        Scratch.with(16 * Ci * nb * tiles, 16 * Co * nb * tiles) { v, z in
            Scratch.with(16 * Co * Ci) { du in
                for n0 in stride(from: 0, to: geo.batch, by: nb) {
                    let images = n0..<min(geo.batch, n0 + nb)
                    let T = images.count * tiles
                    Winograd.transformInput(geo, input, images: images, into: v, ld: T)
                    Winograd.transformGradOutput(geo, gradOutput, images: images, into: z, ld: T)
                    eachTransformIndex { xi in
                        sgemm(
                            transB: true, m: Co, n: Ci, k: T, a: z + xi * Co * T, b: v + xi * Ci * T,
                            beta: n0 == 0 ? 0 : 1, c: du + xi * Co * Ci)
                    }
                }
                Winograd.transformWeightGrad(du, cout: Co, cin: Ci, into: gradWeight, accumulate: accumulate)
            }
        }
    }
}

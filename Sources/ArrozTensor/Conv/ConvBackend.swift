// ConvBackend: the one seam every convolution goes through (conv2d, convTranspose2d, their backward passes).
import CBLAS
import Foundation

/// A 2-D convolution implementation on raw contiguous buffers described by a `ConvGeometry`.
///
/// The three entry points are the three products of a convolution layer (PyTorch naming):
///   forward         y[n,co,oy,ox]   = b[co] + Σ_{ci∈group(co), ky, kx} w[co,ci,ky,kx] · x[n,ci,iy,ix]
///   backwardInput   dx[n,ci,iy,ix]  = Σ_{co∈group(ci), ky, kx, (oy,ox) reading (iy,ix)} w[co,ci,ky,kx]
///                                       · dy[n,co,oy,ox]
///   backwardWeight  dw[co,ci,ky,kx] = Σ_{n,oy,ox} dy[n,co,oy,ox] · x[n,ci,iy,ix]
/// with iy = oy·sh − pt + ky and ix = ox·sw − pl + kx (taps that land in the padding read 0).
/// `convTranspose2d` is `backwardInput` run forward (and vice versa), so it needs nothing extra.
/// Layers and ops never know which backend runs; they ask `ConvBackends.current`.
public protocol ConvBackend: Sendable {
    /// Short name for benchmarks and logs.
    var name: String { get }

    /// Writes (overwrites) `output` `[N, Cout, Ho, Wo]`; adds `bias` `[Cout]` when given.
    func forward(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>)

    /// Gradient w.r.t. the input `[N, Cin, H, W]`: adds into `gradInput` when `accumulate`, else overwrites
    /// it.
    func backwardInput(
        _ geo: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>, accumulate: Bool)

    /// Gradient w.r.t. the weight `[Cout, Cin/groups, kh, kw]`: adds into `gradWeight` when `accumulate`,
    /// else overwrites it.
    func backwardWeight(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        gradWeight: UnsafeMutablePointer<Float>, accumulate: Bool)
}

/// The registry of convolution backends and the one in use.
public enum ConvBackends {
    /// Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions with at least 64 tiles per call, `gemm` for the
    /// rest; the default without oneDNN. (pix32-add at batch 2 runs its 8×8 level on im2col: 59–61 → 53–58 ms per CFG
    /// step at 1 thread.)
    public static let winograd: any ConvBackend = WinogradConvBackend(minCallTiles: 64)
    /// im2col + sgemm, with 1×1 convolutions as plain sgemm and small-group (depthwise) convolutions on a
    /// direct kernel.
    public static let gemm: any ConvBackend = GemmConvBackend()
    /// The loop-nest reference (Double accumulation); slow, for tests.
    public static let naive: any ConvBackend = NaiveConvBackend()

    /// The default: oneDNN (when it loads) for every ungrouped convolution, and `winograd` (whose direct
    /// kernels run them) for grouped ones — depthwise and Paella's 2-in-1-out. bench ops, 2 threads, wall
    /// clock, medians of 3 alternating rounds on a quiet machine (2026-12-04, issue 13 note), ms per call
    /// winograd → oneDNN: conv3x3 b8 64→64 32² fwd 6.53 → 1.98, fwd+bwd 19.64 → 6.60; 128→128 16² 5.28 → 1.87,
    /// 16.75 → 6.07; 256→256 8² 5.09 → 1.91, 15.26 → 6.18; 3→64 0.63 → 0.36, 2.30 → 1.81; conv1x1 4.31 → 1.23;
    /// conv4x4 s2 8.78 → 1.89; convT4x4 s2 8.91 → 2.12; but dwconv3x3 0.33 → 0.50 and gconv 2→1 0.78 → 3.85.
    /// (An earlier sitting on a loaded machine, by CPU time, had the 3×3 stride-1 rows tied, and kept them on
    /// Winograd.) Without oneDNN this is exactly `winograd`.
    public static let auto: any ConvBackend = {
        var b = OneDNNConvBackend(fallback: winograd, filter: { $0.groups == 1 })
        b.displayName = "auto"
        return b
    }()

    nonisolated(unsafe) private static var _current: any ConvBackend = OneDNN.isAvailable ? auto : winograd

    /// The backend every conv op uses. Set it once at start-up (benchmarks, tests), not while ops run.
    public static var current: any ConvBackend {
        get { _current }
        set { _current = newValue }
    }

    /// oneDNN in fp32 (every geometry it can run; the rest on `winograd`). Present only with libdnnl.so.2.
    public static let onednn: any ConvBackend = OneDNNConvBackend()
    /// oneDNN with bf16 inputs and fp32 accumulation: what convolutions run on under `Precision.bf16`.
    /// Thin grouped convolutions (depthwise, Paella's 2-in-1-out) stay on our fp32 direct kernels: oneDNN's
    /// bf16 path ran the 2→1 grouped 3×3 at 13.2 ms against 1.75 ms fp32 (bench ops, 1 thread, CPU time).
    public static let onednnBF16: any ConvBackend = OneDNNConvBackend(bf16: true, filter: { !DirectConv.suits($0) })

    /// All backends, for benchmarks and backend-vs-reference tests (oneDNN's only when it loads).
    public static var all: [any ConvBackend] {
        [winograd, WinogradConvBackend(parallelGemms: false), gemm, naive]
            + (OneDNN.isAvailable ? [auto, onednn, OneDNNConvBackend(plainLayout: true)] : [])
    }

    /// The backend a convolution started now runs on: `onednnBF16` under an effective bf16 precision,
    /// else `current`. Ops capture it, so their backward runs the same way.
    public static var forCurrentPrecision: any ConvBackend {
        Precision.effective == .bf16 ? onednnBF16 : _current
    }
}

/// Adds `bias[c]` to every value of channel `c` of an `[N, C, plane]` buffer (the bias gradient's transpose).
@inlinable
func addChannelBias(
    _ out: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, batch: Int, channels: Int,
    plane: Int
) {
    parallelFor(batch * channels, grain: max(1, 16384 / max(plane, 1))) { range in
        for nc in range {
            let b = bias[nc % channels]
            let row = out + nc * plane
            for i in 0..<plane { row[i] += b }
        }
    }
}

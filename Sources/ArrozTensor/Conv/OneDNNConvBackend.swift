// OneDNNConvBackend: convolutions on oneDNN (Debian `libdnnl2`), loaded at run time through the CArrozDNNL
// shim; fp32, or bf16 inputs with fp32 accumulation when `Precision.effective` is `.bf16`.
import CArrozDNNL
import Foundation

/// oneDNN's presence on this machine.
public enum OneDNN {
    /// Whether libdnnl.so.2 loaded and gave a CPU engine (checked once).
    public static let isAvailable: Bool = arroz_dnnl_available() != 0
    /// Whether oneDNN runs bf16 arithmetic natively here (AVX512-BF16 or AMX).
    public static let hasBF16: Bool = isAvailable && arroz_dnnl_has_bf16() != 0
    /// Why it is unavailable, or "ok".
    public static var status: String { String(cString: arroz_dnnl_last_error()) }
}

/// Primitives are built once per (product, geometry, bias, precision, layout) and reused; geometries oneDNN
/// has no implementation for are remembered as such and run on the fallback.
final class OneDNNPrimitiveCache: @unchecked Sendable {
    struct Key: Hashable {
        var kind: Int32
        var geo: [Int]
        var bias: Bool
        var bf16: Bool
        var layout: Int32
    }

    static let shared = OneDNNPrimitiveCache()
    private var table: [Key: OpaquePointer?] = [:]
    private let lock = NSLock()

    /// The primitive for `key`, creating it on first use; nil when oneDNN cannot run it.
    func primitive(_ key: Key) -> OpaquePointer? {
        lock.lock()
        defer { lock.unlock() }
        if let hit = table[key] { return hit }
        let made: OpaquePointer? = key.geo.map { CLong($0) }.withUnsafeBufferPointer {
            arroz_dnnl_conv_create(key.kind, $0.baseAddress, key.bias ? 1 : 0, key.bf16 ? 1 : 0, key.layout)
        }
        table[key] = made
        return made
    }

    /// The implementation names oneDNN picked so far, for benchmarks.
    func implementations() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return table.values.compactMap { $0.map { String(cString: arroz_dnnl_conv_impl($0)) } }
    }
}

/// Convolutions on oneDNN, in its preferred (blocked) layout behind the seam: our NCHW buffers are reordered
/// into it and back on every call (see the note in issue 13 for why the seam keeps NCHW). Geometries oneDNN
/// cannot run, and every call when oneDNN is absent, go to `fallback`.
///
/// With `bf16` the inputs of each product (x and w forward, dy and w for the input gradient, x and dy for the
/// weight gradient) are rounded to bf16 in the reorder, and the sums accumulate in fp32 into fp32 outputs.
/// The precision is fixed per backend value, so a backward pass runs in the precision its forward ran in
/// (`conv2d` captures the backend).
public struct OneDNNConvBackend: ConvBackend {
    public var fallback: any ConvBackend
    /// bf16 inputs, fp32 accumulation and outputs (needs `OneDNN.hasBF16`, else every call runs fp32).
    public var bf16: Bool
    /// oneDNN's preferred layout (reordered at the seam) or plain NCHW (no reorders for fp32, slower kernels).
    public var plainLayout: Bool
    /// Which geometries oneDNN runs (the rest go to `fallback`).
    public var filter: @Sendable (ConvGeometry) -> Bool

    public init(
        fallback: any ConvBackend = ConvBackends.winograd, bf16: Bool = false, plainLayout: Bool = false,
        filter: @escaping @Sendable (ConvGeometry) -> Bool = { _ in true }
    ) {
        self.fallback = fallback
        self.bf16 = bf16
        self.plainLayout = plainLayout
        self.filter = filter
    }

    /// A name for benchmarks: "auto" is the default mix (a filter and the Winograd fallback).
    public var displayName: String?

    public var name: String {
        displayName ?? ("onednn" + (bf16 ? "-bf16" : "") + (plainLayout ? "-nchw" : ""))
    }

    /// Smallest output plane whose weight gradient runs on oneDNN in bf16. oneDNN 2.6's bf16 weight-gradient
    /// kernel on small planes collapsed with two threads (256→256 at 8×8: 40 ms on one thread, 386 ms on two;
    /// `bench ops --precision bf16` had the 8×8 and 16×16 fwd+bwd rows at 35 ms against 1.6–1.9 ms forward),
    /// so those weight gradients run on `fallback` in fp32.
    public static let bf16WeightGradMinPlane = 1024

    /// The primitive for one product of `geo`, or nil (then the fallback runs).
    private func primitive(_ kind: Int32, _ geo: ConvGeometry, bias: Bool) -> OpaquePointer? {
        guard OneDNN.isAvailable, geo.batch > 0, filter(geo) else { return nil }
        let bf16 = self.bf16 && OneDNN.hasBF16
        let key = OneDNNPrimitiveCache.Key(
            kind: kind,
            geo: [
                geo.batch, geo.inChannels, geo.inHeight, geo.inWidth, geo.outChannels, geo.kernelHeight,
                geo.kernelWidth, geo.strideH, geo.strideW, geo.padTop, geo.padBottom, geo.padLeft,
                geo.padRight, geo.groups,
            ], bias: bias, bf16: bf16,
            layout: plainLayout ? Int32(ARROZ_DNNL_LAYOUT_PLAIN) : Int32(ARROZ_DNNL_LAYOUT_ANY))
        return OneDNNPrimitiveCache.shared.primitive(key)
    }

    /// oneDNN's threads for a call: ours, or one inside a parallel region.
    private var threads: Int32 { Int32(ParallelRegion.inside ? 1 : Threads.count) }

    public func forward(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        if let p = primitive(Int32(ARROZ_DNNL_FORWARD), geo, bias: bias != nil),
            arroz_dnnl_conv_run(p, input, weight, bias, output, 0, threads) == 0
        {
            return
        }
        fallback.forward(geo, input: input, weight: weight, bias: bias, output: output)
    }

    public func backwardInput(
        _ geo: ConvGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradInput: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        if let p = primitive(Int32(ARROZ_DNNL_BACKWARD_DATA), geo, bias: false),
            arroz_dnnl_conv_run(p, gradOutput, weight, nil, gradInput, accumulate ? 1 : 0, threads) == 0
        {
            return
        }
        fallback.backwardInput(
            geo, gradOutput: gradOutput, weight: weight, gradInput: gradInput, accumulate: accumulate)
    }

    public func backwardWeight(
        _ geo: ConvGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
        gradWeight: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        if !bf16 || geo.outPlane >= Self.bf16WeightGradMinPlane,
            let p = primitive(Int32(ARROZ_DNNL_BACKWARD_WEIGHTS), geo, bias: false),
            arroz_dnnl_conv_run(p, input, gradOutput, nil, gradWeight, accumulate ? 1 : 0, threads) == 0
        {
            return
        }
        fallback.backwardWeight(
            geo, input: input, gradOutput: gradOutput, gradWeight: gradWeight, accumulate: accumulate)
    }
}

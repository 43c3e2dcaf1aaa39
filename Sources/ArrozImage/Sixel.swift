// Sixel: RGBImage → DEC sixel (DCS) bytes through libsixel, and back (for tests and previews).
import CSixel

/// Sixel encoding and decoding via libsixel.
///
/// Encoding follows libsixel's own `img2sixel` path: `sixel_dither_new` + `sixel_dither_initialize` build a
/// median-cut palette of at most `colors` entries from the image (see ``initializePalette(_:for:)`` for our
/// corrections), `sixel_dither_set_diffusion_type` picks the
/// error diffusion, and `sixel_encode` writes through a `sixel_output_new` callback that collects the bytes.
/// The result is one DCS string (`ESC P … q … ESC \`) ready to write to a terminal after positioning the
/// cursor.
public enum Sixel {
    /// Error diffusion used while mapping pixels onto the palette (libsixel `SIXEL_DIFFUSE_*`).
    public enum Diffusion: Sendable, CaseIterable {
        case auto, none, atkinson, floydSteinberg

        var code: Int32 {
            switch self {
            case .auto: SIXEL_DIFFUSE_AUTO
            case .none: SIXEL_DIFFUSE_NONE
            case .atkinson: SIXEL_DIFFUSE_ATKINSON
            case .floydSteinberg: SIXEL_DIFFUSE_FS
            }
        }
    }

    /// The DCS sixel byte string for `image` with a palette of at most `colors` (2...256) entries.
    public static func encode(_ image: RGBImage, colors: Int = 256, diffusion: Diffusion = .auto) throws
        -> [UInt8]
    {
        precondition((2...256).contains(colors), "Sixel.encode: colors \(colors) outside 2...256")
        precondition(
            image.width > 0 && image.height > 0, "Sixel.encode: empty \(image.width)x\(image.height) image")
        let sink = ByteSink()
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }

        var output: OpaquePointer?
        try check(
            sixel_output_new(
                &output,
                { data, size, priv in
                    guard let data, let priv, size > 0 else { return 0 }
                    let sink = Unmanaged<ByteSink>.fromOpaque(priv).takeUnretainedValue()
                    data.withMemoryRebound(to: UInt8.self, capacity: Int(size)) {
                        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(size)))
                    }
                    return size
                }, context.toOpaque(), nil), "sixel_output_new")
        defer { sixel_output_unref(output) }

        var dither: OpaquePointer?
        try check(sixel_dither_new(&dither, Int32(colors), nil), "sixel_dither_new")
        defer { sixel_dither_unref(dither) }

        try initializePalette(dither, for: image)
        sixel_dither_set_diffusion_type(dither, diffusion.code)
        // libsixel may dither in place: give it a copy.
        var pixels = image.pixels
        try pixels.withUnsafeMutableBufferPointer { px in
            try check(
                sixel_encode(px.baseAddress, Int32(image.width), Int32(image.height), 3, dither, output),
                "sixel_encode")
        }
        return dropLeadingNewline(sink.bytes, height: image.height)
    }

    /// Decodes sixel bytes (a DCS string as `encode` writes) with libsixel's `sixel_decode_raw`.
    /// Pixels the sixel data never paints take palette entry 0 (libsixel's background).
    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        var allocator: OpaquePointer?
        try check(sixel_allocator_new(&allocator, nil, nil, nil, nil), "sixel_allocator_new")
        defer { sixel_allocator_unref(allocator) }
        var input = bytes
        var indices: UnsafeMutablePointer<UInt8>?
        var palette: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, ncolors: Int32 = 0
        try input.withUnsafeMutableBufferPointer { p in
            try check(
                sixel_decode_raw(
                    p.baseAddress, Int32(p.count), &indices, &width, &height, &palette, &ncolors, allocator),
                "sixel_decode_raw")
        }
        defer {
            sixel_allocator_free(allocator, indices)
            sixel_allocator_free(allocator, palette)
        }
        guard let indices, let palette, width > 0, height > 0 else {
            throw ImageError.sixel(operation: "decode", status: -1)
        }
        // The palette is RGB triplets, one per colour register.
        var px = [UInt8](repeating: 0, count: Int(width) * Int(height) * 3)
        for i in 0..<(Int(width) * Int(height)) {
            let k = Int(indices[i])
            guard k < Int(ncolors) else { continue }
            px[3 * i] = palette[3 * k]
            px[3 * i + 1] = palette[3 * k + 1]
            px[3 * i + 2] = palette[3 * k + 2]
        }
        return RGBImage(width: Int(width), height: Int(height), pixels: px)
    }

    static func check(_ status: SIXELSTATUS, _ operation: String) throws {
        // SIXEL_FAILED(status): bit 0x1000 set.
        if status & 0x1000 != 0 { throw ImageError.sixel(operation: operation, status: status) }
    }
}

/// Collects what libsixel's write callback hands over.
private final class ByteSink {
    var bytes: [UInt8] = []
}

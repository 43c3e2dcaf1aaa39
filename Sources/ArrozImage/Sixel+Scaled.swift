// Sixel+Scaled: a picture enlarged by a whole factor (nearest neighbour) as sixel bytes, without enlarging it
// first — the palette and the colour of every pixel come from the small picture, and the bands are written
// from its rows and columns with run lengths multiplied by the factor.
import CSixel

extension Sixel {
    /// The DCS sixel string for `image` enlarged `scale` times in both directions (each pixel a `scale × scale`
    /// square, like ``RGBImage/resized(width:height:filter:)`` with `.nearest`), with a palette of at most
    /// `colors` entries and no dithering.
    ///
    /// The studio's 64² preview shown at 7× is a 448² sixel: libsixel's median cut, palette mapping and band
    /// encoder on the enlarged 200 K pixels were most of a frame's UI time. Here libsixel's median cut (the same
    /// `sixel_dither_initialize` as ``encode(_:colors:diffusion:)``) and ``refinePalette(_:pixels:)`` see the
    /// 4 K source pixels, and the body is ours: for each band of 6 output rows, for each palette entry used in
    /// it, `#n`, then one sixel character per run of equal source columns (`!count` when longer than 3), `$`
    /// back to the band's start once entries overlap, `-` to the next band (DEC STD 070 sixel graphics;
    /// VT330/VT340 manual ch. 14).
    // bits[c][sx] = Σ_{r<6, idx[(band·6+r)/s][sx] = c} 2^r ; char = 63 + bits ; run length = s · (equal sx)
    public static func encode(_ image: RGBImage, scale: Int, colors: Int = 256) throws -> [UInt8] {
        precondition(scale >= 1, "Sixel.encode: scale \(scale) must be at least 1")
        precondition((2...256).contains(colors), "Sixel.encode: colors \(colors) outside 2...256")
        precondition(
            image.width > 0 && image.height > 0, "Sixel.encode: empty \(image.width)x\(image.height) image")
        let (palette, indices) = try quantize(image, colors: colors)
        return body(
            indices: indices, width: image.width, height: image.height, scale: scale, palette: palette)
    }

    /// Palette (RGB triplets) from ``initializePalette(_:for:)`` and each pixel's nearest entry.
    static func quantize(_ image: RGBImage, colors: Int) throws -> (palette: [UInt8], indices: [UInt8]) {
        var dither: OpaquePointer?
        try check(sixel_dither_new(&dither, Int32(colors), nil), "sixel_dither_new")
        defer { sixel_dither_unref(dither) }
        try initializePalette(dither, for: image)
        let n = Int(sixel_dither_get_num_of_palette_colors(dither))
        guard n > 0, let p = sixel_dither_get_palette(dither) else {
            throw ImageError.sixel(operation: "sixel_dither_get_palette", status: -1)
        }
        let palette = Array(UnsafeBufferPointer(start: p, count: 3 * n))
        return (palette, image.pixels.withUnsafeBufferPointer { nearestEntries($0, palette: palette) })
    }

    /// The sixel string for palette indices `indices` (`width × height`, row-major) enlarged `scale` times.
    static func body(indices: [UInt8], width: Int, height: Int, scale s: Int, palette: [UInt8]) -> [UInt8] {
        let (outW, outH) = (width * s, height * s)
        // ESC P q, raster attributes "1;1;W;H (1:1 pixels, the picture's size): libsixel's header.
        var out = Array("\u{1b}Pq\"1;1;\(outW);\(outH)".utf8)
        out.reserveCapacity(outW * outH / 4)
        for k in 0..<(palette.count / 3) {
            // Registers hold percentages.
            let pct = (0..<3).map { (Int(palette[3 * k + $0]) * 100 + 127) / 255 }
            out += Array("#\(k);2;\(pct[0]);\(pct[1]);\(pct[2])".utf8)
        }
        var bits = [UInt8](repeating: 0, count: 256 * width)
        var used = [Bool](repeating: false, count: 256)
        var list: [Int] = []
        func number(_ v: Int) {
            if v >= 10 { number(v / 10) }
            out.append(UInt8(48 + v % 10))
        }
        func run(_ char: UInt8, _ count: Int) {
            if count > 3 {
                out.append(UInt8(ascii: "!"))
                number(count)
                out.append(char)
            } else {
                for _ in 0..<count { out.append(char) }
            }
        }
        var band = 0
        while band * 6 < outH {
            if band > 0 { out.append(UInt8(ascii: "-")) }
            list.removeAll(keepingCapacity: true)
            for r in 0..<min(6, outH - band * 6) {
                let row = (band * 6 + r) / s * width
                for sx in 0..<width {
                    let c = Int(indices[row + sx])
                    if !used[c] {
                        used[c] = true
                        list.append(c)
                    }
                    bits[c * width + sx] |= 1 << r
                }
            }
            // Each entry's columns [first, end) with any bit set. A pass writes entries left to right that do
            // not overlap (skipping gaps with `?`, no bits), then `$` starts the next pass — libsixel's trick,
            // far fewer bytes than one pass per entry.
            var spans: [(c: Int, first: Int, end: Int)] = list.map { c in
                let base = c * width
                var first = 0
                while bits[base + first] == 0 { first += 1 }
                var end = width
                while bits[base + end - 1] == 0 { end -= 1 }
                return (c, first, end)
            }
            spans.sort { ($0.first, $0.c) < ($1.first, $1.c) }
            var pass = 0
            while !spans.isEmpty {
                if pass > 0 { out.append(UInt8(ascii: "$")) }
                var cursor = 0
                var left: [(c: Int, first: Int, end: Int)] = []
                for span in spans {
                    guard span.first >= cursor else {
                        left.append(span)
                        continue
                    }
                    out.append(UInt8(ascii: "#"))
                    number(span.c)
                    if span.first > cursor { run(63, (span.first - cursor) * s) }
                    let base = span.c * width
                    var sx = span.first
                    while sx < span.end {
                        let v = bits[base + sx]
                        var e = sx + 1
                        while e < span.end && bits[base + e] == v { e += 1 }
                        run(63 + v, (e - sx) * s)
                        sx = e
                    }
                    cursor = span.end
                    for x in span.first..<span.end { bits[base + x] = 0 }
                    used[span.c] = false
                }
                spans = left
                pass += 1
            }
            band += 1
        }
        out += [0x1b, 0x5c]
        return out
    }
}

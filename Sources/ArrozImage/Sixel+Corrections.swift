// Sixel+Corrections: fixes for three libsixel 1.10 quirks — a histogram of every 6th pixel of small pictures,
// palette colours biased low, images under 6 rows — and the nearest-entry lookup both encoders map pixels with.
import CSixel

extension Sixel {
    /// Pixels below which libsixel 1.10's histogram samples only every 6th pixel (quant.c, `max_sample` of
    /// `SIXEL_QUALITY_HIGH`).
    static let histogramSampleLimit = 18383

    /// Gives `dither` a palette for `image`: libsixel's median cut (`sixel_dither_initialize`, as `img2sixel`
    /// does), then ``refinePalette(_:pixels:)``.
    ///
    /// libsixel 1.10 builds its histogram from every 6th pixel of a picture under ``histogramSampleLimit``
    /// pixels (a 64² preview: 683 of 4096, so rare colours vanish from the palette); such pictures go to it
    /// with each pixel repeated 6 times, which makes every pixel count equally.
    static func initializePalette(_ dither: OpaquePointer?, for image: RGBImage) throws {
        let count = image.width * image.height
        let repeats = count < histogramSampleLimit ? 6 : 1
        var histogramInput = image.pixels
        if repeats > 1 {
            histogramInput = [UInt8](repeating: 0, count: image.pixels.count * repeats)
            image.pixels.withUnsafeBufferPointer { src in
                for i in 0..<count {
                    for r in 0..<repeats {
                        let o = 3 * (i * repeats + r)
                        (histogramInput[o], histogramInput[o + 1], histogramInput[o + 2]) =
                            (src[3 * i], src[3 * i + 1], src[3 * i + 2])
                    }
                }
            }
        }
        try histogramInput.withUnsafeMutableBufferPointer { px in
            try check(
                sixel_dither_initialize(
                    dither, px.baseAddress, Int32(image.width * repeats), Int32(image.height),
                    SIXEL_PIXELFORMAT_RGB888, SIXEL_LARGE_AUTO, SIXEL_REP_AUTO, SIXEL_QUALITY_HIGH),
                "sixel_dither_initialize")
        }
        image.pixels.withUnsafeBufferPointer { refinePalette(dither, pixels: $0) }
    }

    /// Moves each palette entry to the mean of the pixels that map to it (one Lloyd / k-means step).
    ///
    /// libsixel's median cut works on a 5-bit-per-channel histogram and returns bucket corners (multiples
    /// of 8), so pure white comes out as 248 (97 %) and every colour is biased low by up to 7. Averaging the
    /// real pixels of each entry's cell removes the bias (white is 100 % again) without changing which pixels
    /// share an entry.
    // c_k ← mean{ p : argmin_j |p − c_j|² = k }
    static func refinePalette(_ dither: OpaquePointer?, pixels: UnsafeBufferPointer<UInt8>) {
        let n = Int(sixel_dither_get_num_of_palette_colors(dither))
        guard n > 0, let palette = sixel_dither_get_palette(dither) else { return }
        let entries = Array(UnsafeBufferPointer(start: palette, count: 3 * n))
        let nearest = nearestEntries(pixels, palette: entries)
        var sums = [Int](repeating: 0, count: 3 * n)
        var counts = [Int](repeating: 0, count: n)
        for (i, e) in nearest.enumerated() {
            let k = Int(e)
            for c in 0..<3 { sums[3 * k + c] += Int(pixels[3 * i + c]) }
            counts[k] += 1
        }
        var refined = [UInt8](repeating: 0, count: 3 * n)
        for k in 0..<n {
            for c in 0..<3 {
                refined[3 * k + c] =
                    counts[k] > 0 ? UInt8((sums[3 * k + c] + counts[k] / 2) / counts[k]) : entries[3 * k + c]
            }
        }
        refined.withUnsafeMutableBufferPointer { sixel_dither_set_palette(dither, $0.baseAddress) }
    }

    /// Each RGB pixel's nearest palette entry (squared distance; the first of equals), looked up once per
    /// 15-bit colour bucket (5 bits a channel) and reused by every pixel of that bucket.
    // k(p) = argmin_j |p − c_j|²
    static func nearestEntries(_ pixels: UnsafeBufferPointer<UInt8>, palette: [UInt8]) -> [UInt8] {
        let n = palette.count / 3
        precondition(n > 0 && n <= 256, "Sixel.nearestEntries: \(n) palette entries")
        var bucket = [Int16](repeating: -1, count: 1 << 15)
        var out = [UInt8](repeating: 0, count: pixels.count / 3)
        for i in 0..<out.count {
            let (r, g, b) = (Int(pixels[3 * i]), Int(pixels[3 * i + 1]), Int(pixels[3 * i + 2]))
            let key = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3)
            var k = Int(bucket[key])
            if k < 0 {
                var best = Int.max
                for j in 0..<n {
                    let (dr, dg, db) = (
                        Int(palette[3 * j]) - r, Int(palette[3 * j + 1]) - g, Int(palette[3 * j + 2]) - b
                    )
                    let d = dr * dr + dg * dg + db * db
                    if d < best { (best, k) = (d, j) }
                }
                bucket[key] = Int16(k)
            }
            out[i] = UInt8(k)
        }
        return out
    }

    /// libsixel 1.10 starts the body of an image shorter than 6 rows with a graphics newline (`-`), which
    /// moves the picture down one sixel band. Removes that `-` between the colour definitions and the first
    /// band; output for taller images is returned unchanged.
    static func dropLeadingNewline(_ bytes: [UInt8], height: Int) -> [UInt8] {
        guard height < 6, let q = bytes.firstIndex(of: UInt8(ascii: "q")) else { return bytes }
        var i = q + 1
        // Raster attributes `"Pan;Pad;Ph;Pv`, then colour definitions `#n;2;r;g;b`.
        func skipNumbers() {
            while i < bytes.count, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == UInt8(ascii: ";") {
                i += 1
            }
        }
        if i < bytes.count && bytes[i] == UInt8(ascii: "\"") {
            i += 1
            skipNumbers()
        }
        while i < bytes.count && bytes[i] == UInt8(ascii: "#") {
            let start = i
            i += 1
            skipNumbers()
            // A colour *selection* (`#n` without `;2;…`) starts the body.
            if !bytes[start..<i].contains(UInt8(ascii: ";")) {
                i = start
                break
            }
        }
        guard i < bytes.count && bytes[i] == UInt8(ascii: "-") else { return bytes }
        var fixed = bytes
        fixed.remove(at: i)
        return fixed
    }
}

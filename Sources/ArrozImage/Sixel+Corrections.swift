// Sixel+Corrections: fixes for two libsixel 1.10 quirks — palette colours biased low, images under 6 rows.
import CSixel

extension Sixel {
    /// Moves each palette entry to the mean of the pixels that map to it (one Lloyd / k-means step).
    ///
    /// libsixel's median cut works on a 5-bit-per-channel histogram and returns bucket corners (multiples
    /// of 8), so pure white comes out as 248 (97 %) and every colour is biased low by up to 7. Averaging the
    /// real pixels of each entry's cell removes the bias (white is 100 % again) without changing which pixels
    /// share an entry. Nearest entries are looked up once per 15-bit colour bucket.
    // c_k ← mean{ p : argmin_j |p − c_j|² = k }
    static func refinePalette(_ dither: OpaquePointer?, pixels: UnsafeBufferPointer<UInt8>) {
        let n = Int(sixel_dither_get_num_of_palette_colors(dither))
        guard n > 0, let palette = sixel_dither_get_palette(dither) else { return }
        var entries = [Int](repeating: 0, count: 3 * n)
        for i in 0..<(3 * n) { entries[i] = Int(palette[i]) }
        var nearest = [Int16](repeating: -1, count: 1 << 15)
        var sums = [Int](repeating: 0, count: 3 * n)
        var counts = [Int](repeating: 0, count: n)
        var i = 0
        while i + 2 < pixels.count {
            let (r, g, b) = (Int(pixels[i]), Int(pixels[i + 1]), Int(pixels[i + 2]))
            let key = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3)
            var k = Int(nearest[key])
            if k < 0 {
                var best = Int.max
                for j in 0..<n {
                    let (dr, dg, db) = (entries[3 * j] - r, entries[3 * j + 1] - g, entries[3 * j + 2] - b)
                    let d = dr * dr + dg * dg + db * db
                    if d < best { (best, k) = (d, j) }
                }
                nearest[key] = Int16(k)
            }
            sums[3 * k] += r
            sums[3 * k + 1] += g
            sums[3 * k + 2] += b
            counts[k] += 1
            i += 3
        }
        var refined = [UInt8](repeating: 0, count: 3 * n)
        for k in 0..<n {
            for c in 0..<3 {
                refined[3 * k + c] =
                    counts[k] > 0
                    ? UInt8((sums[3 * k + c] + counts[k] / 2) / counts[k]) : UInt8(entries[3 * k + c])
            }
        }
        refined.withUnsafeMutableBufferPointer { sixel_dither_set_palette(dither, $0.baseAddress) }
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

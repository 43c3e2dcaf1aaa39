// ColorBitmapTable: where each glyph's PNG lives in a font's CBLC/CBDT (colour bitmap) tables.

/// Glyph id → the PNG bytes' range in the font, for the largest bitmap strike.
///
/// Follows the OpenType `CBLC`/`CBDT` spec (https://learn.microsoft.com/typography/opentype/spec/cblc):
/// CBLC holds BitmapSize records (48 bytes: indexSubTableArrayOffset, …, startGlyphIndex, endGlyphIndex,
/// ppemX, ppemY, bitDepth, flags), each pointing at IndexSubTableArray entries (firstGlyph, lastGlyph,
/// offset) whose IndexSubTables (formats 1–5) give each glyph's data offset in CBDT. CBDT glyph formats 17
/// (small metrics), 18 (big metrics) and 19 (metrics in CBLC) each end in a u32 length followed by PNG data.
struct ColorBitmapTable {
    /// The strike's pixels per em.
    let ppem: Int
    /// Glyph id → (offset, length) of the PNG inside the font file.
    let pngRanges: [Int: (offset: Int, length: Int)]

    init(font: OpenTypeFont) throws {
        let d = font.data
        let cblc = try font.table("CBLC"), cbdt = try font.table("CBDT")
        let numSizes = try d.u32(cblc + 4)
        guard numSizes > 0 else {
            throw DatasetError.badFile(path: d.path, reason: "CBLC has no bitmap strikes")
        }
        // Largest strike by ppem.
        var best = cblc + 8
        for s in 0..<numSizes {
            let record = cblc + 8 + 48 * s
            if try d.u8(record + 44) > d.u8(best + 44) { best = record }
        }
        ppem = try d.u8(best + 44)
        let arrayOffset = cblc + (try d.u32(best))
        let subtables = try d.u32(best + 8)
        var ranges: [Int: (Int, Int)] = [:]
        for k in 0..<subtables {
            let entry = arrayOffset + 8 * k
            let first = try d.u16(entry), last = try d.u16(entry + 2)
            let header = arrayOffset + (try d.u32(entry + 4))
            let indexFormat = try d.u16(header), imageFormat = try d.u16(header + 2)
            let imageData = cbdt + (try d.u32(header + 4))
            // Glyph id → (start, end) offsets of its record in CBDT.
            var records: [(glyph: Int, start: Int, end: Int)] = []
            switch indexFormat {
            case 1, 3:
                let wide = indexFormat == 1
                for (i, g) in (first...last).enumerated() {
                    let a = try wide ? d.u32(header + 8 + 4 * i) : d.u16(header + 8 + 2 * i)
                    let b = try wide ? d.u32(header + 12 + 4 * i) : d.u16(header + 10 + 2 * i)
                    if b > a { records.append((g, imageData + a, imageData + b)) }
                }
            case 2:
                let size = try d.u32(header + 8)
                for (i, g) in (first...last).enumerated() {
                    records.append((g, imageData + i * size, imageData + (i + 1) * size))
                }
            case 4:
                let n = try d.u32(header + 8)
                for i in 0..<n {
                    let g = try d.u16(header + 12 + 4 * i)
                    let a = try d.u16(header + 14 + 4 * i), b = try d.u16(header + 18 + 4 * i)
                    if b > a { records.append((g, imageData + a, imageData + b)) }
                }
            case 5:
                let size = try d.u32(header + 8), n = try d.u32(header + 20)
                for i in 0..<n {
                    let g = try d.u16(header + 24 + 2 * i)
                    records.append((g, imageData + i * size, imageData + (i + 1) * size))
                }
            default:
                continue
            }
            let metrics: Int
            switch imageFormat {
            case 17: metrics = 5
            case 18: metrics = 8
            case 19: metrics = 0
            default: continue  // not a PNG-carrying format
            }
            for r in records {
                let length = try d.u32(r.start + metrics)
                let png = r.start + metrics + 4
                guard length > 0, png + length <= r.end else { continue }
                try d.check(png, length)
                ranges[r.glyph] = (png, length)
            }
        }
        pngRanges = ranges
    }
}

// OpenTypeFont+GSUB: ligature substitutions (GSUB lookup type 4, also inside type 7 extensions).

extension OpenTypeFont {
    /// Component glyph sequence → ligature glyph, from every type-4 lookup in `GSUB` (in lookup order; the
    /// first lookup that defines a sequence wins, as a shaper applying lookups in order would see it).
    ///
    /// Follows the OpenType GSUB spec (https://learn.microsoft.com/typography/opentype/spec/gsub): LookupList
    /// → Lookup (type, flag, subtable offsets) → LigatureSubstFormat1 (coverage, LigatureSet offsets) →
    /// Ligature (ligatureGlyph, componentCount, componentGlyphIDs[componentCount − 1]); the coverage index of
    /// the first glyph selects the LigatureSet. Extension lookups (type 7) hold a 32-bit offset to the real
    /// subtable. This is how Noto Color Emoji maps ZWJ sequences, flags, keycaps and skin tones to their
    /// bitmaps.
    func ligatures() throws -> [[Int]: Int] {
        guard tables["GSUB"] != nil else { return [:] }
        let d = data
        let gsub = try table("GSUB")
        let lookupList = gsub + (try d.u16(gsub + 8))
        var map: [[Int]: Int] = [:]
        for l in 0..<(try d.u16(lookupList)) {
            let lookup = lookupList + (try d.u16(lookupList + 2 + 2 * l))
            let lookupType = try d.u16(lookup)
            for s in 0..<(try d.u16(lookup + 4)) {
                var subtable = lookup + (try d.u16(lookup + 6 + 2 * s))
                var type = lookupType
                if type == 7 {
                    type = try d.u16(subtable + 2)
                    subtable += try d.u32(subtable + 4)
                }
                guard type == 4, try d.u16(subtable) == 1 else { continue }
                let firstGlyphs = try coverage(subtable + (try d.u16(subtable + 2)))
                let setCount = try d.u16(subtable + 4)
                for k in 0..<min(setCount, firstGlyphs.count) {
                    let set = subtable + (try d.u16(subtable + 6 + 2 * k))
                    for m in 0..<(try d.u16(set)) {
                        let ligature = set + (try d.u16(set + 2 + 2 * m))
                        let glyph = try d.u16(ligature)
                        let components = try d.u16(ligature + 2)
                        var sequence = [firstGlyphs[k]]
                        for j in 0..<max(components - 1, 0) {
                            sequence.append(try d.u16(ligature + 4 + 2 * j))
                        }
                        if map[sequence] == nil { map[sequence] = glyph }
                    }
                }
            }
        }
        return map
    }

    /// The glyphs a Coverage table lists, in coverage-index order (format 1: glyph array; format 2: ranges).
    func coverage(_ offset: Int) throws -> [Int] {
        let d = data
        let format = try d.u16(offset), count = try d.u16(offset + 2)
        var glyphs: [Int] = []
        switch format {
        case 1:
            for i in 0..<count { glyphs.append(try d.u16(offset + 4 + 2 * i)) }
        case 2:
            for i in 0..<count {
                let start = try d.u16(offset + 4 + 6 * i), end = try d.u16(offset + 6 + 6 * i)
                if start <= end { glyphs += Array(start...end) }
            }
        default:
            throw DatasetError.badFile(path: d.path, reason: "GSUB coverage format \(format) is not 1 or 2")
        }
        return glyphs
    }
}

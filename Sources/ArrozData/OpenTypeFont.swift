// OpenTypeFont: the table directory and `cmap` (formats 12 and 4) of a TrueType/OpenType font file.

/// Big-endian reads over a font's bytes; running off the end throws, naming the file.
struct FontBytes {
    let bytes: [UInt8]
    let path: String

    func check(_ offset: Int, _ size: Int) throws {
        guard offset >= 0, size >= 0, offset + size <= bytes.count else {
            throw DatasetError.badFile(
                path: path, reason: "font data ends early (offset \(offset) + \(size) > \(bytes.count))")
        }
    }

    func u8(_ o: Int) throws -> Int {
        try check(o, 1)
        return Int(bytes[o])
    }

    func u16(_ o: Int) throws -> Int {
        try check(o, 2)
        return Int(bytes[o]) << 8 | Int(bytes[o + 1])
    }

    func u32(_ o: Int) throws -> Int {
        try check(o, 4)
        return Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
    }

    func tag(_ o: Int) throws -> String {
        try check(o, 4)
        return String(decoding: bytes[o..<(o + 4)], as: UTF8.self)
    }
}

/// A parsed font: where each table lives, and the code point → glyph id map.
///
/// Follows the OpenType spec (https://learn.microsoft.com/typography/opentype/spec/otff, `cmap`): the table
/// directory of 16-byte records (tag, checksum, offset, length); `cmap` subtable format 12 (segmented
/// coverage, groups of start/end code point and start glyph) preferred, format 4 (BMP segments with
/// idDelta/idRangeOffset) as a fallback.
struct OpenTypeFont {
    let data: FontBytes
    /// Tag → (offset, length).
    let tables: [String: (offset: Int, length: Int)]

    init(bytes: [UInt8], path: String) throws {
        data = FontBytes(bytes: bytes, path: path)
        let numTables = try data.u16(4)
        var tables: [String: (Int, Int)] = [:]
        for i in 0..<numTables {
            let r = 12 + 16 * i
            let offset = try data.u32(r + 8), length = try data.u32(r + 12)
            try data.check(offset, length)
            tables[try data.tag(r)] = (offset, length)
        }
        self.tables = tables
    }

    func table(_ tag: String) throws -> Int {
        guard let t = tables[tag] else {
            throw DatasetError.badFile(path: data.path, reason: "font has no '\(tag)' table")
        }
        return t.offset
    }

    /// Code point → glyph id for every mapped code point.
    func characterMap() throws -> [UInt32: Int] {
        let cmap = try table("cmap")
        let count = try data.u16(cmap + 2)
        var format4: Int?
        for i in 0..<count {
            let r = cmap + 4 + 8 * i
            let platform = try data.u16(r), encoding = try data.u16(r + 2)
            let sub = cmap + (try data.u32(r + 4))
            let format = try data.u16(sub)
            if format == 12 && (platform == 3 && encoding == 10 || platform == 0) { return try format12(sub) }
            if format == 4 && (platform == 3 && encoding == 1 || platform == 0) { format4 = sub }
        }
        if let sub = format4 { return try self.format4(sub) }
        throw DatasetError.badFile(path: data.path, reason: "no Unicode cmap subtable of format 12 or 4")
    }

    private func format12(_ sub: Int) throws -> [UInt32: Int] {
        let groups = try data.u32(sub + 12)
        var map: [UInt32: Int] = [:]
        for g in 0..<groups {
            let r = sub + 16 + 12 * g
            let start = try data.u32(r), end = try data.u32(r + 4), glyph = try data.u32(r + 8)
            guard start <= end, end <= 0x10FFFF else { continue }
            for c in start...end { map[UInt32(c)] = glyph + (c - start) }
        }
        return map
    }

    // glyph = idRangeOffset == 0 ? (c + idDelta) mod 65536
    //                            : glyphIdArray[idRangeOffset/2 + (c − startCode) − (segments − i)] (+
    // idDelta)
    private func format4(_ sub: Int) throws -> [UInt32: Int] {
        let segments = try data.u16(sub + 6) / 2
        let ends = sub + 14, starts = ends + 2 * segments + 2
        let deltas = starts + 2 * segments, rangeOffsets = deltas + 2 * segments
        var map: [UInt32: Int] = [:]
        for i in 0..<segments {
            let end = try data.u16(ends + 2 * i), start = try data.u16(starts + 2 * i)
            let delta = try data.u16(deltas + 2 * i), rangeOffset = try data.u16(rangeOffsets + 2 * i)
            guard start <= end, start != 0xFFFF else { continue }
            for c in start...end {
                var glyph: Int
                if rangeOffset == 0 {
                    glyph = (c + delta) & 0xFFFF
                } else {
                    glyph = try data.u16(rangeOffsets + 2 * i + rangeOffset + 2 * (c - start))
                    if glyph != 0 { glyph = (glyph + delta) & 0xFFFF }
                }
                if glyph != 0 { map[UInt32(c)] = glyph }
            }
        }
        return map
    }
}

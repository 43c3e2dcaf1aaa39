// TextLayout: turning strings into terminal cells — wide glyphs, truncation with an ellipsis, padding, wrapping.

/// Text helpers. A cell holds one scalar; a wide character (CJK, Hangul, emoji) takes two cells — the glyph,
/// then ``continuation`` — as `wcwidth` would count it. Combining marks, ZWJ and VS16 are dropped; control
/// characters become spaces.
public enum TextLayout {
    /// The second cell of a wide glyph: terminals draw nothing there (the glyph already covers it).
    public static let continuation: Unicode.Scalar = "\u{0}"

    /// The cells `s` occupies: one scalar per column, wide glyphs followed by ``continuation``.
    public static func cells(_ s: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.unicodeScalars.count)
        for u in s.unicodeScalars {
            if u.properties.generalCategory == .nonspacingMark || u.value == 0xFE0F || u.value == 0x200D
                || u == continuation
            {
                continue
            }
            if u.value < 0x20 || u.value == 0x7F {
                out.append(" ")
            } else {
                out.append(u)
                if isWide(u) { out.append(continuation) }
            }
        }
        return out
    }

    /// The cells of `s` without continuations: what a single-width line shows, one scalar per glyph.
    public static func scalars(_ s: String) -> [Unicode.Scalar] { cells(s).filter { $0 != continuation } }

    /// Columns `s` occupies (a wide glyph counts 2).
    public static func width(_ s: String) -> Int { cells(s).count }

    /// The first `n` columns of `cells` as a string; a wide glyph cut in half becomes a space.
    static func prefix(_ cells: [Unicode.Scalar], _ n: Int) -> String {
        var part = Array(cells.prefix(max(n, 0)))
        if let last = part.last, last != continuation, isWide(last) { part[part.count - 1] = " " }
        return String(String.UnicodeScalarView(part.filter { $0 != continuation }))
    }

    /// `s` cut to `width` columns, ending in `…` when cut.
    public static func truncate(_ s: String, _ width: Int) -> String {
        let c = cells(s)
        guard width > 0 else { return "" }
        if c.count <= width { return prefix(c, c.count) }
        return prefix(c, width - 1) + "…"
    }

    /// `s` truncated or right-padded with spaces to exactly `width` columns.
    public static func pad(_ s: String, _ width: Int) -> String {
        let t = truncate(s, width)
        return t + String(repeating: " ", count: max(0, width - self.width(t)))
    }

    /// `s` left-padded to `width` columns (numbers in columns).
    public static func padLeft(_ s: String, _ width: Int) -> String {
        let t = truncate(s, width)
        return String(repeating: " ", count: max(0, width - self.width(t))) + t
    }

    /// Greedy word wrap to `width` columns (long words are split).
    public static func wrap(_ s: String, _ width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in s.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                var w = String(word)
                while self.width(w) > width {
                    if !line.isEmpty { lines.append(line); line = "" }
                    let c = cells(w)
                    var cut = min(width, c.count)
                    if cut < c.count, c[cut] == continuation { cut -= 1 }  // keep a wide glyph whole
                    if cut == 0 { cut = min(2, c.count) }                   // a 1-column line cannot hold it
                    lines.append(prefix(c, cut))
                    w = String(String.UnicodeScalarView(c.dropFirst(cut).filter { $0 != continuation }))
                }
                if line.isEmpty {
                    line = w
                } else if self.width(line) + 1 + self.width(w) <= width {
                    line += " " + w
                } else {
                    lines.append(line)
                    line = w
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// A compact number: 3 significant digits, scientific below 1e-3 (e.g. 0.041, 3e-4, 1200).
    public static func number(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        let a = abs(v)
        if a == 0 { return "0" }
        if a < 1e-3 || a >= 1e6 {
            var e = 0
            var m = a
            while m >= 10 { m /= 10; e += 1 }
            while m < 1 { m *= 10; e -= 1 }
            m = (m * 10).rounded() / 10
            if m >= 10 { m /= 10; e += 1 }
            let ms = m.rounded() == m ? String(Int(m)) : fixed(m, 1)
            return (v < 0 ? "-" : "") + ms + "e" + String(e)
        }
        if a >= 100 { return String(Int(v.rounded())) }
        if a >= 10 { return fixed(v, 1) }
        if a >= 1 { return fixed(v, 2) }
        return fixed(v, 3)
    }

    /// `v` with `digits` decimals (no Foundation formatting needed).
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let r = (abs(v) * p).rounded()
        let whole = Int(r / p)
        var frac = String(Int(r.truncatingRemainder(dividingBy: p)))
        while frac.count < digits { frac = "0" + frac }
        let sign = v < 0 && r != 0 ? "-" : ""
        return digits == 0 ? sign + String(whole) : sign + String(whole) + "." + frac
    }

    /// Seconds per step: `0.41 s` from 0.1 s up, `4.2 ms` below.
    public static func seconds(_ s: Double) -> String {
        guard s.isFinite else { return fixed(s, 2) + " s" }
        return s >= 0.1 ? fixed(s, 2) + " s" : fixed(s * 1000, s >= 0.01 ? 0 : 1) + " ms"
    }

    /// A duration like `45 s`, `12 m`, `3.5 h`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "—" }
        if seconds < 90 { return "\(Int(seconds.rounded())) s" }
        if seconds < 90 * 60 { return "\(Int((seconds / 60).rounded())) m" }
        return fixed(seconds / 3600, 1) + " h"
    }

    static func isWide(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v)
            || (0x20000...0x3FFFD).contains(v)
    }
}

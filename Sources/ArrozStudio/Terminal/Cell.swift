// Cell: one character cell of the screen — a glyph with foreground, background and attributes.
import ArrozImage

extension RGB {
    /// Parses `#rrggbb`; nil for anything else.
    public init?(hex: String) {
        let s = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        guard s.count == 6, let v = UInt32(s, radix: 16) else { return nil }
        self.init(UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff))
    }

    /// Linear blend: self at t = 0, other at t = 1.
    public func mixed(with other: RGB, _ t: Double) -> RGB {
        let c = min(max(t, 0), 1)
        func m(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) * (1 - c) + Double(b) * c).rounded()) }
        return RGB(m(r, other.r), m(g, other.g), m(b, other.b))
    }
}

/// Text attributes.
public struct Attrs: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Attrs(rawValue: 1)
    public static let dim = Attrs(rawValue: 2)
    public static let underline = Attrs(rawValue: 4)
    public static let reverse = Attrs(rawValue: 8)
    public static let italic = Attrs(rawValue: 16)
}

/// Colours and attributes for drawing; nil colours mean the terminal's default.
public struct Style: Hashable, Sendable {
    public var fg: RGB?
    public var bg: RGB?
    public var attrs: Attrs

    public init(fg: RGB? = nil, bg: RGB? = nil, attrs: Attrs = []) {
        self.fg = fg
        self.bg = bg
        self.attrs = attrs
    }

    public static let plain = Style()

    public func with(fg: RGB?) -> Style { Style(fg: fg, bg: bg, attrs: attrs) }
    public func with(bg: RGB?) -> Style { Style(fg: fg, bg: bg, attrs: attrs) }
    public func adding(_ a: Attrs) -> Style { Style(fg: fg, bg: bg, attrs: attrs.union(a)) }
}

/// One screen cell. Glyphs are single-width scalars (box drawing, braille, blocks, Latin text).
public struct Cell: Hashable, Sendable {
    public var glyph: Unicode.Scalar
    public var style: Style

    public init(_ glyph: Unicode.Scalar = " ", _ style: Style = .plain) {
        self.glyph = glyph
        self.style = style
    }

    public static let blank = Cell()
}

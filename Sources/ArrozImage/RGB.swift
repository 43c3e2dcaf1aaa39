// RGB: one 8-bit colour, as the terminal renderers (half-blocks, SGR) and themes use it.

/// An 8-bit sRGB colour.
public struct RGB: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public init(r: UInt8, g: UInt8, b: UInt8) { self.init(r, g, b) }

    /// `#rrggbb`.
    public var description: String {
        "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

extension RGBImage {
    /// The pixel at column `x`, row `y` as an ``RGB``.
    public func rgb(_ x: Int, _ y: Int) -> RGB {
        let i = 3 * (y * width + x)
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }
}

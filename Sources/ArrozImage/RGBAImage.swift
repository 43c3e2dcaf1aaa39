// RGBAImage: an 8-bit picture with straight (non-premultiplied) alpha, and compositing it onto a background.

/// Width × height pixels, row-major, 4 bytes (R, G, B, A) each, straight alpha as PNG stores it.
public struct RGBAImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(
            pixels.count == width * height * 4, "RGBAImage: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An opaque copy of an RGB image.
    public init(_ image: RGBImage) {
        var p = [UInt8](repeating: 255, count: image.width * image.height * 4)
        for i in 0..<(image.width * image.height) {
            p[4 * i] = image.pixels[3 * i]
            p[4 * i + 1] = image.pixels[3 * i + 1]
            p[4 * i + 2] = image.pixels[3 * i + 2]
        }
        self.init(width: image.width, height: image.height, pixels: p)
    }

    /// The image composited over a solid background (white by default): the "over" operator with straight
    /// alpha.
    // out = α·src + (1 − α)·bg,   α = A / 255,  rounded to nearest
    public func composited(on background: RGB = RGB(255, 255, 255)) -> RGBImage {
        let bg = [Int(background.r), Int(background.g), Int(background.b)]
        var out = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<(width * height) {
                    let a = Int(src[4 * i + 3])
                    for c in 0..<3 {
                        let v = Int(src[4 * i + c]) * a + bg[c] * (255 - a)
                        dst[3 * i + c] = UInt8((v + 127) / 255)
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}

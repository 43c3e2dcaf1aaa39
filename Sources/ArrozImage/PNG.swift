// PNG: load any PNG (palette, grey, 16-bit, alpha) and save RGB PNGs with `tEXt`/`iTXt` chunks, through CPNG.
import CPNG

/// Loads a PNG as RGB. Images with alpha (or a tRNS chunk) are composited over `background` (white).
public func loadPNG(_ path: String, background: RGB = RGB(255, 255, 255)) throws -> RGBImage {
    let decoded = try PNGCodec.read(path: path, wantPixels: true)
    return decoded.rgb(background: background)
}

/// Loads a PNG keeping its alpha channel (opaque images get A = 255).
public func loadPNGRGBA(_ path: String) throws -> RGBAImage {
    try PNGCodec.read(path: path, wantPixels: true).rgba()
}

/// Decodes PNG bytes held in memory (e.g. a bitmap inside a font). `source` names them in errors.
public func decodePNG(_ data: UnsafeRawBufferPointer, source: String) throws -> RGBAImage {
    try PNGCodec.read(data: data, source: source).rgba()
}

/// The text chunks (`tEXt`, `zTXt`, `iTXt`) of a PNG, e.g. `["parameters": "a red apple, seed 42, ..."]`.
/// If a key repeats, the last chunk wins.
public func loadPNGText(_ path: String) throws -> [String: String] {
    try PNGCodec.read(path: path, wantPixels: false).text
}

/// Saves an 8-bit RGB PNG. Each `text` entry becomes a `tEXt` chunk (ASCII values) or an uncompressed `iTXt`
/// chunk (other Unicode), so `parameters` survives prompts with any characters. Keys are written sorted.
public func savePNG(_ image: RGBImage, _ path: String, text: [String: String] = [:]) throws {
    for key in text.keys {
        precondition(
            (1...79).contains(key.utf8.count)
                && key.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value < 127 },
            "savePNG: text key '\(key)' must be 1-79 printable ASCII characters (PNG spec)")
    }
    let keys = text.keys.sorted()
    let values = keys.map { text[$0, default: ""].replacingNUL() }
    let utf8Flags: [Int32] = values.map { v in v.unicodeScalars.allSatisfy { $0.value < 128 } ? 0 : 1 }
    var message = [CChar](repeating: 0, count: 512)
    let code = withCStrings(keys) { keyPointers in
        withCStrings(values) { valuePointers in
            image.pixels.withUnsafeBufferPointer { px in
                cpng_write_file(
                    path, px.baseAddress, Int32(image.width), Int32(image.height), 3, Int32(keys.count),
                    keyPointers, valuePointers, utf8Flags, &message, Int32(message.count))
            }
        }
    }
    guard code == CPNG_OK else {
        let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if code == CPNG_ERR_OPEN { throw ImageError.cannotOpen(path: path, reason: reason) }
        throw ImageError.writeFailed(path: path, reason: reason)
    }
}

// MARK: - Codec plumbing

/// A decoded PNG before colour handling: 3 or 4 channels plus text chunks.
struct PNGCodec {
    var width: Int
    var height: Int
    var channels: Int
    var pixels: [UInt8]
    var text: [String: String]

    static func read(path: String, wantPixels: Bool) throws -> PNGCodec {
        var image = cpng_image()
        var message = [CChar](repeating: 0, count: 512)
        let code = cpng_read_file(path, wantPixels ? 1 : 0, &image, &message, Int32(message.count))
        defer { cpng_image_free(&image) }
        try check(code, message: message, source: path)
        return PNGCodec(image)
    }

    static func read(data: UnsafeRawBufferPointer, source: String) throws -> PNGCodec {
        var image = cpng_image()
        var message = [CChar](repeating: 0, count: 512)
        let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let code = cpng_read_memory(base, data.count, 1, &image, &message, Int32(message.count))
        defer { cpng_image_free(&image) }
        try check(code, message: message, source: source)
        return PNGCodec(image)
    }

    private static func check(_ code: Int32, message: [CChar], source: String) throws {
        guard code != CPNG_OK else { return }
        let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch code {
        case CPNG_ERR_OPEN: throw ImageError.cannotOpen(path: source, reason: reason)
        case CPNG_ERR_SIGNATURE: throw ImageError.notPNG(path: source)
        default: throw ImageError.corruptPNG(path: source, reason: reason)
        }
    }

    private init(_ image: cpng_image) {
        width = Int(image.width)
        height = Int(image.height)
        channels = Int(image.channels)
        if let p = image.pixels {
            pixels = Array(UnsafeBufferPointer(start: p, count: width * height * channels))
        } else {
            pixels = []
        }
        text = [:]
        for i in 0..<Int(image.text_count) {
            guard let k = image.text_keys[i], let v = image.text_values[i] else { continue }
            let key = String(cString: k)
            let bytes = Array(UnsafeBufferPointer(start: v, count: strlen(v))).map { UInt8(bitPattern: $0) }
            // iTXt is UTF-8; tEXt/zTXt are Latin-1, where each byte is the code point of the same value.
            text[key] =
                image.text_is_utf8[i] != 0
                ? String(decoding: bytes, as: UTF8.self)
                : String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        }
    }

    func rgba() -> RGBAImage {
        if channels == 4 { return RGBAImage(width: width, height: height, pixels: pixels) }
        return RGBAImage(rgbImage())
    }

    func rgb(background: RGB) -> RGBImage {
        channels == 3
            ? rgbImage() : RGBAImage(width: width, height: height, pixels: pixels).composited(on: background)
    }

    private func rgbImage() -> RGBImage { RGBImage(width: width, height: height, pixels: pixels) }
}

private func strlen(_ p: UnsafePointer<CChar>) -> Int {
    var n = 0
    while p[n] != 0 { n += 1 }
    return n
}

extension String {
    /// PNG text cannot hold NUL; replace it with U+FFFD so the chunk stays valid.
    fileprivate func replacingNUL() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0.value == 0 ? "\u{FFFD}" : $0 }))
    }
}

/// Calls `body` with a C array of NUL-terminated copies of `strings`, valid for the duration of the call.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { s -> UnsafeMutablePointer<CChar> in
        let utf8 = Array(s.utf8CString)
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        p.initialize(from: utf8, count: utf8.count)
        return p
    }
    defer { copies.forEach { $0.deallocate() } }
    return body(copies.map { UnsafePointer($0) })
}

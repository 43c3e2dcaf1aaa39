// ITermImages: the iTerm2 inline-image escape code (OSC 1337 File=…;inline=1 with a PNG payload, sized in cells),
// which iTerm2, WezTerm, Konsole and VS Code's terminal show; and a parser that reads it back for tests.

/// `ESC ] 1337 ; File = inline=1;size=N;width=C;height=R;preserveAspectRatio=0 : base64(PNG) BEL`
/// (https://iterm2.com/documentation-images.html: a bare number for width/height means character cells).
///
/// The terminal draws the picture from the cursor over `columns` × `rows` cells and moves the cursor after
/// it, so callers save and restore the cursor around it. Like sixel, the pixels belong to the cells they cover:
/// text written there later replaces them.
public enum ITermImages {
    /// The escape code showing `image` over `columns` × `rows` cells, stretched to fill them exactly (the caller
    /// keeps the aspect ratio by choosing the cell box; the terminal's own fit would centre it differently).
    public static func inline(_ image: RGBImage, columns: Int, rows: Int, level: Int32 = 1) -> [UInt8] {
        inline(png: image.pngBytes(level: level), columns: columns, rows: rows)
    }

    /// The same for an image with alpha (transparent margins show the terminal's background).
    public static func inline(_ image: RGBAImage, columns: Int, rows: Int, level: Int32 = 1) -> [UInt8] {
        inline(png: image.pngBytes(level: level), columns: columns, rows: rows)
    }

    static func inline(png: [UInt8], columns: Int, rows: Int) -> [UInt8] {
        precondition(columns > 0 && rows > 0, "ITermImages.inline: \(columns) x \(rows) cells")
        var out = Array(
            "\u{1b}]1337;File=inline=1;size=\(png.count);width=\(columns);height=\(rows);preserveAspectRatio=0:"
                .utf8)
        out += Base64.encode(png)
        out.append(0x07)
        return out
    }

    /// One inline-image code read back: its arguments and the decoded file bytes.
    public struct Command: Equatable, Sendable {
        public var arguments: [String: String]
        public var file: [UInt8]
    }

    /// Every `OSC 1337 ; File=` in `bytes` (terminated by BEL or ST). nil when a payload is not base64.
    public static func parse(_ bytes: [UInt8]) -> [Command]? {
        let bytes = Passthrough.unwrapTmux(bytes)
        let head = Array("\u{1b}]1337;File=".utf8)
        var out: [Command] = []
        var i = 0
        while i + head.count <= bytes.count {
            guard Array(bytes[i..<(i + head.count)]) == head else {
                i += 1
                continue
            }
            var j = i + head.count
            while j < bytes.count, bytes[j] != 0x07, !(bytes[j] == 0x1b && j + 1 < bytes.count) { j += 1 }
            let body = bytes[(i + head.count)..<j]
            i = j + (j < bytes.count && bytes[j] == 0x1b ? 2 : 1)
            guard let colon = body.firstIndex(of: UInt8(ascii: ":")) else { continue }
            var arguments: [String: String] = [:]
            for pair in String(decoding: body[body.startIndex..<colon], as: UTF8.self).split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { arguments[String(kv[0])] = String(kv[1]) }
            }
            guard let file = Base64.decode(Array(body[(colon + 1)...])) else { return nil }
            out.append(Command(arguments: arguments, file: file))
        }
        return out
    }
}

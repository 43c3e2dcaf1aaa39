// KittyGraphics: images for the kitty graphics protocol — zlib-compressed RGB/RGBA payloads in ≤4096-byte base64
// chunks, image and placement ids so a new frame replaces the old one in place, placement by cells, deletes —
// and a parser that reads the escape codes back (tests, tmux passthrough).

/// Escape codes of the kitty graphics protocol (https://sw.kovidgoyal.net/kitty/graphics-protocol/): every
/// command is an APC `ESC _ G key=value,… ; base64 payload ESC \`.
///
/// Transmit-and-display (`a=T`) is written at the cursor with `C=1` (the cursor stays, so curses' idea of it
/// is still right) and `q=2` (no OK/error replies that would arrive as key presses). Re-transmitting under an
/// image id that exists replaces the image and its placements (the spec's "Display images on screen"), so
/// every sampling step sends the frame under the same `i=`/`p=` and the preview changes in place.
public enum KittyGraphics {
    /// Most base64 bytes one escape code may carry (the spec's chunk limit; a multiple of 4).
    public static let chunkSize = 4096

    /// Pixel formats (`f=`).
    public enum Format: Int, Sendable {
        case rgb = 24, rgba = 32
    }

    /// `a=T` for `image` shown over `columns` × `rows` cells from the cursor. `compress` adds `o=z`.
    public static func place(
        _ image: RGBImage, id: UInt32, placement: UInt32 = 1, columns: Int, rows: Int, compress: Bool = true,
        chunkSize: Int = chunkSize
    ) -> [UInt8] {
        transmit(
            image.pixels, format: .rgb, width: image.width, height: image.height, id: id, placement: placement,
            columns: columns, rows: rows, compress: compress, chunkSize: chunkSize)
    }

    /// `a=T` for an image with alpha (straight RGBA, as kitty's `f=32` expects).
    public static func place(
        _ image: RGBAImage, id: UInt32, placement: UInt32 = 1, columns: Int, rows: Int, compress: Bool = true,
        chunkSize: Int = chunkSize
    ) -> [UInt8] {
        transmit(
            image.pixels, format: .rgba, width: image.width, height: image.height, id: id, placement: placement,
            columns: columns, rows: rows, compress: compress, chunkSize: chunkSize)
    }

    /// The chunked transmit-and-display command for raw pixels.
    static func transmit(
        _ pixels: [UInt8], format: Format, width: Int, height: Int, id: UInt32, placement: UInt32, columns: Int,
        rows: Int, compress: Bool, chunkSize: Int
    ) -> [UInt8] {
        precondition(width > 0 && height > 0 && id > 0, "KittyGraphics: \(width)x\(height) image, id \(id)")
        precondition(chunkSize >= 4 && chunkSize % 4 == 0, "KittyGraphics: chunk size \(chunkSize)")
        var keys = "a=T,f=\(format.rawValue),s=\(width),v=\(height),i=\(id),p=\(placement)"
        if columns > 0 { keys += ",c=\(columns)" }
        if rows > 0 { keys += ",r=\(rows)" }
        if compress { keys += ",o=z" }
        keys += ",C=1,q=2"
        let payload = Base64.encode(compress ? Zlib.compress(pixels, level: 1) : pixels)
        return chunked(keys: keys, payload: payload, chunkSize: chunkSize)
    }

    /// `ESC _ G keys,m=1 ; chunk ESC \` … `ESC _ G m=0 ; last ESC \` (one command without `m` when it fits).
    static func chunked(keys: String, payload: [UInt8], chunkSize: Int) -> [UInt8] {
        guard payload.count > chunkSize else { return apc(keys, payload) }
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + payload.count / chunkSize * 16 + keys.utf8.count + 16)
        var start = 0
        while start < payload.count {
            let end = min(start + chunkSize, payload.count)
            let more = end < payload.count ? 1 : 0
            out += apc(start == 0 ? keys + ",m=1" : "m=\(more)", payload[start..<end])
            start = end
        }
        return out
    }

    static func apc<C: Collection<UInt8>>(_ keys: String, _ payload: C) -> [UInt8] {
        var out: [UInt8] = [0x1b, UInt8(ascii: "_"), UInt8(ascii: "G")]
        out += Array(keys.utf8)
        if !payload.isEmpty {
            out.append(UInt8(ascii: ";"))
            out += payload
        }
        out += [0x1b, UInt8(ascii: "\\")]
        return out
    }

    /// Places the already transmitted image `id` at the cursor over `columns` × `rows` cells (`a=p`): with the
    /// same placement id the old placement moves there, and no pixels are sent again.
    public static func placeExisting(id: UInt32, placement: UInt32 = 1, columns: Int, rows: Int) -> [UInt8] {
        apc("a=p,i=\(id),p=\(placement),c=\(columns),r=\(rows),C=1,q=2", [])
    }

    /// Deletes image `id` and frees its data (`a=d,d=I`).
    public static func delete(id: UInt32) -> [UInt8] { apc("a=d,d=I,i=\(id),q=2", []) }

    /// Deletes every image placement and frees the data (`a=d,d=A`): what the studio sends on exit.
    public static func deleteAll() -> [UInt8] { apc("a=d,d=A,q=2", []) }

    /// The support query: a 1×1 RGB image under id 31 with `a=q` (kitty answers `ESC _ G i=31;OK ESC \` and
    /// stores nothing; terminals without the protocol ignore it).
    public static let query: [UInt8] = apc("i=31,s=1,v=1,a=q,t=d,f=24", Array("AAAA".utf8))

    // MARK: - Reading escape codes back

    /// One command with its chunks joined: the first chunk's keys, the base64-decoded payload of all chunks.
    public struct Command: Equatable, Sendable {
        public var keys: [String: String]
        public var payload: [UInt8]
        public var chunks: Int

        public subscript(key: String) -> String? { keys[key] }
        public func int(_ key: String) -> Int? { keys[key].flatMap { Int($0) } }

        /// The pixels (inflated when `o=z`), checked against `s` × `v` × bytes per pixel.
        public var pixels: [UInt8]? {
            guard let w = int("s"), let h = int("v"), let f = int("f") else { return nil }
            let expected = w * h * (f == 32 ? 4 : 3)
            let raw = keys["o"] == "z" ? Zlib.uncompress(payload, expected: expected) : payload
            return raw?.count == expected ? raw : nil
        }
    }

    /// Every graphics command in `bytes` (other bytes skipped; tmux passthrough unwrapped first), chunks of one
    /// transmission joined in order. Returns nil when a chunk's payload is not base64.
    public static func parse(_ bytes: [UInt8]) -> [Command]? {
        let bytes = Passthrough.unwrapTmux(bytes)
        var commands: [Command] = []
        var open: Command?
        var i = 0
        while i + 2 < bytes.count {
            guard bytes[i] == 0x1b, bytes[i + 1] == UInt8(ascii: "_"), bytes[i + 2] == UInt8(ascii: "G") else {
                i += 1
                continue
            }
            var j = i + 3
            while j + 1 < bytes.count, !(bytes[j] == 0x1b && bytes[j + 1] == UInt8(ascii: "\\")) { j += 1 }
            let body = bytes[(i + 3)..<min(j, bytes.count)]
            i = j + 2
            let semicolon = body.firstIndex(of: UInt8(ascii: ";"))
            let control = String(decoding: body[body.startIndex..<(semicolon ?? body.endIndex)], as: UTF8.self)
            var keys: [String: String] = [:]
            for pair in control.split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { keys[String(kv[0])] = String(kv[1]) }
            }
            guard let payload = Base64.decode(semicolon.map { Array(body[($0 + 1)...]) } ?? []) else { return nil }
            let more = keys["m"] == "1"
            if var current = open {
                current.payload += payload
                current.chunks += 1
                open = more ? current : nil
                if !more { commands.append(current) }
            } else {
                let command = Command(keys: keys, payload: payload, chunks: 1)
                if more { open = command } else { commands.append(command) }
            }
        }
        if let open { commands.append(open) }
        return commands
    }
}

/// Terminal multiplexer passthrough.
public enum Passthrough {
    /// `bytes` wrapped for tmux: `ESC P tmux; … ESC \` with every ESC inside doubled (tmux forwards it to the
    /// outer terminal when `allow-passthrough` is on).
    public static func tmux(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = Array("\u{1b}Ptmux;".utf8)
        out.reserveCapacity(bytes.count + 16)
        for b in bytes {
            if b == 0x1b { out.append(0x1b) }
            out.append(b)
        }
        out += [0x1b, UInt8(ascii: "\\")]
        return out
    }

    /// The inverse of ``tmux(_:)`` for every wrapped span in `bytes` (others unchanged).
    public static func unwrapTmux(_ bytes: [UInt8]) -> [UInt8] {
        let head = Array("\u{1b}Ptmux;".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if i + head.count <= bytes.count, Array(bytes[i..<(i + head.count)]) == head {
                i += head.count
                while i < bytes.count {
                    if bytes[i] == 0x1b, i + 1 < bytes.count, bytes[i + 1] == 0x1b {
                        out.append(0x1b)
                        i += 2
                    } else if bytes[i] == 0x1b, i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\\") {
                        i += 2
                        break
                    } else {
                        out.append(bytes[i])
                        i += 1
                    }
                }
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}

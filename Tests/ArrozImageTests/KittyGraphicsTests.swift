// KittyGraphicsTests: kitty graphics escape codes for small images decoded back — payload, zlib, chunking,
// ids, cell placement, deletes — and tmux passthrough; iTerm2 inline images with their PNG read back.
import ArrozImage
import Testing

@Suite struct KittyGraphicsTests {
    /// A noisy picture (so zlib cannot shrink it below a chunk) of `w` × `h`.
    static func noise(_ w: Int, _ h: Int, seed: UInt32 = 7) -> RGBImage {
        var s = seed
        var px = [UInt8](repeating: 0, count: w * h * 3)
        for i in px.indices {
            s = s &* 1_664_525 &+ 1_013_904_223
            px[i] = UInt8(s >> 24)
        }
        return RGBImage(width: w, height: h, pixels: px)
    }

    @Test func base64AndZlibRoundTrip() {
        for n in [0, 1, 2, 3, 4, 5, 100] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37 + 1) }
            let b64 = Base64.encode(bytes)
            #expect(b64.count == (n + 2) / 3 * 4)
            #expect(Base64.decode(b64) == bytes)
            #expect(Zlib.uncompress(Zlib.compress(bytes), expected: n) == bytes)
        }
        #expect(String(decoding: Base64.encode(Array("Man".utf8)), as: UTF8.self) == "TWFu")
        #expect(String(decoding: Base64.encode(Array("Ma".utf8)), as: UTF8.self) == "TWE=")
        #expect(Base64.decode(Array("TW!u".utf8)) == nil)
        #expect(Zlib.crc(Array("IEND".utf8)) == 0xAE42_6082)  // the CRC every PNG ends with
    }

    @Test func smallImageIsOneCommandWithEveryKey() throws {
        let image = TerminalImageTests.testImage()  // 24×18
        let bytes = KittyGraphics.place(image, id: 7, placement: 1, columns: 12, rows: 5)
        #expect(Array(bytes.prefix(3)) == [0x1b, UInt8(ascii: "_"), UInt8(ascii: "G")])
        #expect(Array(bytes.suffix(2)) == [0x1b, UInt8(ascii: "\\")])
        let commands = try #require(KittyGraphics.parse(bytes))
        #expect(commands.count == 1)
        let c = commands[0]
        #expect(c["a"] == "T" && c["f"] == "24" && c["o"] == "z" && c["C"] == "1" && c["q"] == "2")
        #expect(c.int("s") == 24 && c.int("v") == 18 && c.int("i") == 7 && c.int("p") == 1)
        #expect(c.int("c") == 12 && c.int("r") == 5)
        #expect(c["m"] == nil && c.chunks == 1)
        #expect(c.pixels == image.pixels)
    }

    @Test func largeImageIsChunkedAt4096() throws {
        let image = Self.noise(64, 64)  // 12 KB of noise: zlib keeps it ≈ 12 KB → 16 KB of base64
        let bytes = KittyGraphics.place(image, id: 3, columns: 16, rows: 8)
        // Split the raw escape codes: every chunk ≤ 4096 base64 bytes, multiples of 4 except the last,
        // keys only on the first, m=1 on all but the last, m=0 on the last.
        var codes: [String] = []
        var start = 0
        for i in 0..<(bytes.count - 1) where bytes[i] == 0x1b && bytes[i + 1] == UInt8(ascii: "\\") {
            codes.append(String(decoding: bytes[start..<i], as: UTF8.self))
            start = i + 2
        }
        #expect(codes.count >= 4)
        for (k, code) in codes.enumerated() {
            let parts = code.dropFirst(3).split(separator: ";", maxSplits: 1)
            let control = String(parts[0]), payload = parts.count > 1 ? parts[1] : ""
            #expect(payload.utf8.count <= 4096)
            if k < codes.count - 1 { #expect(payload.utf8.count == 4096) }
            if k == 0 {
                #expect(control.hasPrefix("a=T,f=24,s=64,v=64,i=3,p=1,c=16,r=8,o=z") && control.hasSuffix("m=1"))
            } else {
                #expect(control == (k == codes.count - 1 ? "m=0" : "m=1"))
            }
        }
        let commands = try #require(KittyGraphics.parse(bytes))
        #expect(commands.count == 1 && commands[0].chunks == codes.count)
        #expect(commands[0].pixels == image.pixels)
        // Uncompressed RGBA, a tiny chunk size: still one command, same pixels.
        let rgba = RGBAImage(TerminalImageTests.testImage())
        let raw = try #require(
            KittyGraphics.parse(KittyGraphics.place(rgba, id: 9, columns: 3, rows: 2, compress: false, chunkSize: 64)))
        #expect(raw.count == 1 && raw[0]["f"] == "32" && raw[0]["o"] == nil && raw[0].chunks > 10)
        #expect(raw[0].pixels == rgba.pixels)
    }

    @Test func deletesQueryAndTmuxPassthrough() throws {
        let del = try #require(KittyGraphics.parse(KittyGraphics.delete(id: 12)))
        #expect(del.count == 1 && del[0].keys == ["a": "d", "d": "I", "i": "12", "q": "2"] && del[0].payload.isEmpty)
        let all = try #require(KittyGraphics.parse(KittyGraphics.deleteAll()))
        #expect(all.first?.keys == ["a": "d", "d": "A", "q": "2"])
        let query = try #require(KittyGraphics.parse(KittyGraphics.query))
        #expect(query.first?["a"] == "q" && query.first?.int("i") == 31 && query.first?.pixels == [0, 0, 0])
        // tmux: one DCS wrapper per write, ESC doubled inside, same commands after unwrapping.
        let image = Self.noise(40, 40)
        let plain = KittyGraphics.place(image, id: 5, columns: 10, rows: 5)
        let wrapped = Passthrough.tmux(plain)
        #expect(Array(wrapped.prefix(7)) == Array("\u{1b}Ptmux;".utf8))
        #expect(wrapped.count == plain.count + 9 + plain.filter { $0 == 0x1b }.count)
        #expect(Passthrough.unwrapTmux(wrapped) == plain)
        #expect(try #require(KittyGraphics.parse(wrapped)).first?.pixels == image.pixels)
    }

    @Test func itermInlineImageCarriesAPNGSizedInCells() throws {
        let image = TerminalImageTests.testImage()
        let bytes = ITermImages.inline(image, columns: 12, rows: 5)
        #expect(String(decoding: bytes.prefix(21), as: UTF8.self) == "\u{1b}]1337;File=inline=1;")
        #expect(bytes.last == 0x07)
        let c = try #require(ITermImages.parse(bytes)?.first)
        #expect(c.arguments["inline"] == "1" && c.arguments["width"] == "12" && c.arguments["height"] == "5")
        #expect(c.arguments["preserveAspectRatio"] == "0" && c.arguments["size"] == "\(c.file.count)")
        let png = try c.file.withUnsafeBytes { try decodePNG($0, source: "osc1337") }
        #expect(png.width == 24 && png.height == 18 && png.pixels == RGBAImage(image).pixels)
        // RGBA (transparent margins) reads back with its alpha.
        var rgba = RGBAImage(image)
        rgba.pixels[3] = 0
        let a = try #require(ITermImages.parse(ITermImages.inline(rgba, columns: 3, rows: 2))?.first)
        #expect(try a.file.withUnsafeBytes { try decodePNG($0, source: "rgba") }.pixels == rgba.pixels)
        // Through tmux too.
        #expect(ITermImages.parse(Passthrough.tmux(bytes))?.first == c)
    }
}

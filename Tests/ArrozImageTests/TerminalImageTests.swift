// TerminalImageTests: sixel bytes decode back to the picture through libsixel; half-block cells and SGR text.
import ArrozImage
import Testing

@Suite struct TerminalImageTests {
    /// A 24×18 picture with four flat quadrants and a gradient band.
    static func testImage() -> RGBImage {
        var image = RGBImage(width: 24, height: 18)
        for y in 0..<18 {
            for x in 0..<24 {
                let quadrant: (UInt8, UInt8, UInt8) =
                    y < 9
                    ? (x < 12 ? (220, 30, 30) : (30, 200, 40)) : (x < 12 ? (20, 40, 230) : (250, 250, 250))
                image[x, y] = y == 8 ? (UInt8(x * 10), UInt8(x * 10), UInt8(x * 10)) : quadrant
            }
        }
        return image
    }

    @Test func sixelRoundTripsThroughLibsixel() throws {
        let image = Self.testImage()
        let bytes = try Sixel.encode(image, colors: 64, diffusion: .none)
        // A DCS string: ESC P … q … ESC \
        #expect(Array(bytes.prefix(2)) == [0x1B, 0x50])
        #expect(Array(bytes.suffix(2)) == [0x1B, 0x5C])
        #expect(bytes.contains(UInt8(ascii: "q")))
        let back = try Sixel.decode(bytes)
        #expect(back.width == 24 && back.height == 18)
        // Sixel registers hold percentages, so a flat colour comes back within 2 per channel (255 / 100 / 2,
        // rounded up) once the palette is refined; the 24-step grey band shares a few palette greys and must
        // stay ordered left to right and close on average.
        var worstFlat = 0, bandError = 0
        for y in 0..<18 {
            for x in 0..<24 {
                let a = image[x, y], b = back[x, y]
                let d = max(abs(Int(a.r) - Int(b.r)), abs(Int(a.g) - Int(b.g)), abs(Int(a.b) - Int(b.b)))
                if y == 8 { bandError += d } else { worstFlat = max(worstFlat, d) }
            }
        }
        #expect(worstFlat <= 2, "flat regions differ by \(worstFlat)")
        #expect(bandError / 24 <= 20, "gradient band differs by \(bandError / 24) on average")
        #expect((1..<24).allSatisfy { back[$0, 8].r >= back[$0 - 1, 8].r }, "band not monotonic")
        #expect(back[12, 0] != back[11, 0] && back[0, 17] != back[23, 17])
    }

    @Test func sixelWithDitheringStaysClose() throws {
        let image = Self.testImage().resized(width: 13, height: 7, filter: .bilinear)
        let back = try Sixel.decode(try Sixel.encode(image, colors: 16, diffusion: .atkinson))
        #expect(back.width == 13 && back.height == 7)
        var total = 0
        for i in 0..<image.pixels.count { total += abs(Int(image.pixels[i]) - Int(back.pixels[i])) }
        #expect(Double(total) / Double(image.pixels.count) < 20)
    }

    @Test func sixelEdgeCases() throws {
        for (w, h) in [(1, 1), (3, 13), (40, 1), (2, 2), (2, 5), (2, 6), (2, 7), (2, 12)] {
            let solid = RGBImage(width: w, height: h, fill: (0, 0, 0))
            let bytes = try Sixel.encode(solid, colors: 2)
            let back = try Sixel.decode(bytes)
            #expect(back.width == w && back.height == h && back.pixels.allSatisfy { $0 == 0 })
        }
        let white = RGBImage(width: 5, height: 7, fill: (255, 255, 255))
        let wb = try Sixel.encode(white)
        #expect(try Sixel.decode(wb).pixels.allSatisfy { $0 == 255 })
    }

    @Test func halfBlocksForTwoByTwo() {
        // (0,0) red  (1,0) green
        // (0,1) blue (1,1) white
        let image = RGBImage(width: 2, height: 2, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
        let cells = HalfBlock.render(image, columns: 2, rows: 1)
        #expect(cells.count == 1 && cells[0].count == 2)
        #expect(cells[0][0].glyph == "▀")
        #expect(cells[0][0].fg == RGB(255, 0, 0) && cells[0][0].bg == RGB(0, 0, 255))
        #expect(cells[0][1].fg == RGB(0, 255, 0) && cells[0][1].bg == RGB(255, 255, 255))
        let text = HalfBlock.ansi(cells)
        let red = "\u{1B}[38;2;255;0;0m\u{1B}[48;2;0;0;255m▀"
        let green = "\u{1B}[38;2;0;255;0m\u{1B}[48;2;255;255;255m▀"
        #expect(text == red + green + "\u{1B}[0m")
        let text256 = HalfBlock.ansi(cells, mode: .palette256)
        // xterm: red = 196, blue = 21, green = 46, white = 231
        #expect(text256 == "\u{1B}[38;5;196m\u{1B}[48;5;21m▀\u{1B}[38;5;46m\u{1B}[48;5;231m▀\u{1B}[0m")
    }

    @Test func halfBlocksScaleDown() {
        let image = RGBImage(width: 8, height: 8, fill: (10, 20, 30))
        let cells = HalfBlock.render(image, columns: 4, rows: 2)
        #expect(cells.count == 2 && cells.allSatisfy { $0.count == 4 })
        #expect(cells[1][3].bg == RGB(10, 20, 30))
        #expect(HalfBlock.palette256Index(RGB(128, 128, 128)) == 244)
        #expect(HalfBlock.ansi(image, columns: 4, rows: 2).split(separator: "\n").count == 2)
    }
}

// PNGTests: round trips with text chunks, PNGs written by Python (palette, tRNS, 16-bit grey), broken files.
import ArrozImage
import Foundation
import Testing

func fixture(_ name: String) -> String {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        preconditionFailure("missing test fixture \(name) (run Tests/Fixtures/fixtures_image.py)")
    }
    return url.path
}

func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arroz-image-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

@Suite struct PNGTests {
    @Test func roundTripWithText() throws {
        var image = RGBImage(width: 5, height: 3)
        for y in 0..<3 { for x in 0..<5 { image[x, y] = (UInt8(50 * x), UInt8(100 * y), UInt8(x * y * 7)) } }
        let path = temporaryPath("roundtrip.png")
        let text = [
            "parameters": "a red apple, seed 42, ddim 20, cfg 3.5", "prompt": "café 🍎 ünïcode", "x": "",
        ]
        try savePNG(image, path, text: text)
        #expect(try loadPNG(path) == image)
        #expect(try loadPNGText(path) == text)
    }

    @Test func loadsPythonWrittenRGB() throws {
        // fixtures_image.py: pixel (x, y) = (60x, 80y, 200), tEXt parameters = "from python"
        let image = try loadPNG(fixture("python_rgb.png"))
        #expect(image.width == 4 && image.height == 3)
        #expect(image[3, 2] == (180, 160, 200))
        #expect(image[1, 0] == (60, 0, 200))
        #expect(try loadPNGText(fixture("python_rgb.png")) == ["parameters": "from python"])
    }

    @Test func loadsPaletteWithTransparency() throws {
        // index 0 is transparent black → white after compositing; 1, 2, 3 = red, green, blue.
        let path = fixture("python_palette.png")
        let image = try loadPNG(path)
        #expect(image[0, 0] == (255, 255, 255))
        #expect(image[1, 0] == (255, 0, 0))
        #expect(image[2, 0] == (0, 255, 0))
        #expect(image[0, 1] == (0, 0, 255))
        let rgba = try loadPNGRGBA(path)
        #expect(rgba.pixels[3] == 0 && rgba.pixels[7] == 255)
    }

    @Test func loads16BitGrey() throws {
        // 0x0000, 0x8080, 0xFFFF scaled to 8 bits: 0, 128, 255
        let image = try loadPNG(fixture("python_grey16.png"))
        #expect(image.pixels == [0, 0, 0, 128, 128, 128, 255, 255, 255])
    }

    @Test func readsTextBeforeAndAfterImageData() throws {
        // fixtures_image.py: tEXt before IDAT; iTXt (UTF-8) and tEXt (Latin-1 0xE9) after IDAT
        let path = fixture("python_text.png")
        #expect(try loadPNGText(path) == ["parameters": "early", "prompt": "café 🍎", "comment": "café"])
        #expect(try loadPNG(path)[0, 0] == (1, 2, 3))
    }

    @Test func loadsAdam7Interlaced() throws {
        // fixtures_image.py: 5x5, pixel (x, y) = (50x, 50y, 7), interlace method 1
        let image = try loadPNG(fixture("python_adam7.png"))
        #expect(image.width == 5 && image.height == 5)
        for y in 0..<5 { for x in 0..<5 { #expect(image[x, y] == (UInt8(50 * x), UInt8(50 * y), 7)) } }
    }

    @Test func corruptedBytesThrowInsteadOfCrashing() throws {
        // Flip one byte at a time past the signature: libpng's longjmp must stay inside the C shim.
        let good = try Data(contentsOf: URL(fileURLWithPath: fixture("python_rgb.png")))
        let path = temporaryPath("flipped.png")
        var failures = 0
        for offset in stride(from: 8, to: good.count, by: 3) {
            var bytes = [UInt8](good)
            bytes[offset] ^= 0x5A
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try loadPNG(path)
            } catch let error as ImageError {
                failures += 1
                #expect(error.description.contains("flipped.png"))
            }
        }
        #expect(failures > 10)
    }

    @Test func brokenPNGNamesTheFile() throws {
        let path = fixture("broken.png")
        do {
            _ = try loadPNG(path)
            Issue.record("broken PNG loaded")
        } catch let error as ImageError {
            guard case .corruptPNG(let p, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(p == path)
            #expect(error.description.contains("broken.png"))
        }
    }

    @Test func nonPNGAndMissingFiles() throws {
        let path = temporaryPath("not-a-png.png")
        try Data("hello, world".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ImageError.notPNG(path: path)) { try loadPNG(path) }
        #expect { try loadPNG("/nonexistent/x.png") } throws: { error in
            "\(error)".contains("/nonexistent/x.png")
        }
        #expect { try savePNG(RGBImage(width: 1, height: 1), "/nonexistent/dir/y.png") } throws: { error in
            "\(error)".contains("/nonexistent/dir/y.png")
        }
    }
}

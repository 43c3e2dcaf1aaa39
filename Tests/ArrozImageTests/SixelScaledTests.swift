// SixelScaledTests: a picture encoded at a whole factor from its small pixels decodes (libsixel) to the same
// picture enlarged by nearest neighbour; RGBImage's sampled hash agrees with equality.
import ArrozImage
import Testing

@Suite struct SixelScaledTests {
    /// Flat quadrants, a grey ramp row and a checkerboard corner, `w × h`.
    static func picture(_ w: Int, _ h: Int) -> RGBImage {
        var image = RGBImage(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                let q: (UInt8, UInt8, UInt8) =
                    y < h / 2 ? (x < w / 2 ? (220, 30, 30) : (30, 200, 40)) : (x < w / 2 ? (20, 40, 230) : (250, 250, 250))
                image[x, y] =
                    y == h / 2 ? (UInt8(x * 255 / max(1, w - 1)), 128, 0)
                    : (x < 3 && y < 3 && (x + y) % 2 == 0) ? (0, 0, 0) : q
            }
        }
        return image
    }

    @Test(arguments: [(5, 7, 1), (9, 4, 2), (16, 13, 3), (32, 32, 7), (1, 1, 5), (40, 2, 4)])
    func scaledSixelIsTheNearestEnlargement(w: Int, h: Int, s: Int) throws {
        let small = Self.picture(w, h)
        let bytes = try Sixel.encode(small, scale: s)
        #expect(Array(bytes.prefix(2)) == [0x1B, 0x50] && Array(bytes.suffix(2)) == [0x1B, 0x5C])
        let back = try Sixel.decode(bytes)
        #expect(back.width == w * s && back.height == h * s)
        let big = small.resized(width: w * s, height: h * s, filter: .nearest)
        // libsixel's own path on the enlarged picture, for comparison.
        let old = try Sixel.decode(try Sixel.encode(big, colors: 256, diffusion: .none))
        func worst(_ img: RGBImage) -> Int {
            var worst = 0
            for i in 0..<big.pixels.count { worst = max(worst, abs(Int(img.pixels[i]) - Int(big.pixels[i]))) }
            return worst
        }
        for y in 0..<back.height {
            for x in 0..<back.width where back[x, y] != back[x / s * s, y / s * s] {
                Issue.record("pixel \(x),\(y) differs inside its \(s)×\(s) square")
            }
        }
        // libsixel's median cut merges the rare ramp colours either way: no worse than its path.
        #expect(worst(back) <= worst(old) + 2, "worst channel error \(worst(back)) vs libsixel \(worst(old))")
        #expect(back[0, (h - 1) * s] != back[(w - 1) * s, 0] || w == 1)
    }

    @Test func scaledSixelMatchesLibsixelOnFlatColours() throws {
        let small = Self.picture(24, 18)
        let ours = try Sixel.decode(try Sixel.encode(small, scale: 3))
        let libsixel = try Sixel.decode(
            try Sixel.encode(small.resized(width: 72, height: 54, filter: .nearest), colors: 256, diffusion: .none))
        for (x, y) in [(0, 0), (70, 1), (5, 50), (71, 53), (30, 10)] {
            #expect(ours[x, y] == libsixel[x, y], "\(x),\(y): \(ours[x, y]) vs \(libsixel[x, y])")
        }
    }

    @Test func scaledSixelIsNoLongerThanLibsixels() throws {
        // Flat quadrants at 7×: the same colours, so the bytes compare the band encoders.
        var small = RGBImage(width: 32, height: 32)
        for y in 0..<32 {
            for x in 0..<32 { small[x, y] = y < 16 ? (x < 16 ? (220, 30, 30) : (30, 200, 40)) : (20, 40, 230) }
        }
        let ours = try Sixel.encode(small, scale: 7)
        let theirs = try Sixel.encode(
            small.resized(width: 224, height: 224, filter: .nearest), colors: 256, diffusion: .none)
        #expect(ours.count <= theirs.count + theirs.count / 10, "\(ours.count) vs libsixel \(theirs.count) bytes")
    }

    @Test func hashAgreesWithEquality() {
        let a = Self.picture(64, 64)
        var b = RGBImage(width: 64, height: 64, pixels: Array(a.pixels))  // other storage, same bytes
        #expect(a == b && a.hashValue == b.hashValue)
        b.pixels[0] ^= 1  // the first word is always hashed
        #expect(a != b && a.hashValue != b.hashValue)
        var c = a
        c.pixels[1000] ^= 1  // maybe not hashed: still unequal
        #expect(a != c)
        let set: Set<RGBImage> = [a, b, c, a]
        #expect(set.count == 3)
        // Small images hash every byte.
        let d = RGBImage(width: 4, height: 4, fill: (1, 2, 3))
        var e = d
        e.pixels[20] = 9
        #expect(d.hashValue != e.hashValue)
    }

    @Test func nearestGatherMatchesTheTaps() {
        let small = Self.picture(7, 5)
        for (w, h) in [(14, 10), (21, 15), (3, 2), (10, 11)] {
            let r = small.resized(width: w, height: h, filter: .nearest)
            for y in 0..<h {
                for x in 0..<w { #expect(r[x, y] == small[x * 7 / w, y * 5 / h]) }
            }
        }
    }
}

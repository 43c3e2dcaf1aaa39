// ShapesTests: the procedural set is seeded, captioned and draws what the caption says.
import ArrozData
import ArrozImage
import Testing

@Suite struct ShapesTests {
    @Test func deterministicAndCaptioned() {
        let a = ShapesDataset(count: 50, size: 32, seed: 7)
        let b = ShapesDataset(count: 50, size: 32, seed: 7)
        let c = ShapesDataset(count: 50, size: 32, seed: 8)
        #expect(a.example(3).image == b.example(3).image)
        #expect(a.example(3).caption == b.example(3).caption)
        #expect((0..<50).contains { a.example($0).caption != c.example($0).caption })
        let e = a.example(11)
        #expect(e.caption.hasPrefix("a small ") || e.caption.hasPrefix("a large "))
        #expect(e.caption.hasSuffix(" background"))
        #expect(e.label == a.spec(11).shape)
        #expect(e.image.width == 32 && e.image.height == 32)
        let captions = (0..<50).map { a.example($0).caption }
        #expect(captions.allSatisfy { !$0.contains(" a orange") })
        #expect(captions.contains { $0.contains("an orange background") })
    }

    @Test func drawsTheCaptionedColours() {
        let d = ShapesDataset(count: 20, size: 32, seed: 1)
        for i in 0..<20 {
            let s = d.spec(i)
            let image = d.example(i).image
            let fg = ShapesDataset.colours[s.colour].rgb
            let bg = ShapesDataset.colours[s.background].rgb
            // The centre pixel is the shape's colour, the far corner from the centre is background.
            let cx = Int(s.cx * 32), cy = Int(s.cy * 32)
            #expect(image.rgb(cx, cy) == fg, "example \(i): \(s.caption)")
            let corner = (s.cx < 0.5 ? 31 : 0, s.cy < 0.5 ? 31 : 0)
            #expect(image.rgb(corner.0, corner.1) == bg, "example \(i): \(s.caption)")
        }
    }
}

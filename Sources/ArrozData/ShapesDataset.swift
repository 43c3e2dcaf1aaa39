// ShapesDataset: procedural, seeded coloured shapes with captions — the built-in set for tests and demos.
import ArrozImage
import ArrozTensor

/// Pictures like "a small red circle on a blue background", drawn on the fly.
///
/// Example `i` depends only on (`seed`, `i`): its own generator is seeded from both, so any index can be
/// drawn in any order on any thread. Edges are antialiased with 4×4 supersampling. Label = shape index.
public struct ShapesDataset: Dataset {
    public static let shapes = ["circle", "square", "triangle"]
    public static let colours: [(name: String, rgb: RGB)] = [
        ("red", RGB(220, 40, 40)), ("green", RGB(40, 170, 60)), ("blue", RGB(40, 80, 220)),
        ("yellow", RGB(240, 210, 40)), ("purple", RGB(140, 60, 180)), ("orange", RGB(245, 140, 30)),
        ("white", RGB(245, 245, 245)), ("black", RGB(20, 20, 20)),
    ]

    public let name = "shapes"
    public let count: Int
    /// Side of the square images in pixels.
    public let size: Int
    public let seed: UInt64
    public var classNames: [String]? { Self.shapes }

    public init(count: Int = 10_000, size: Int = 32, seed: UInt64 = 0) {
        precondition(count > 0 && size >= 8, "ShapesDataset: count \(count) > 0 and size \(size) >= 8 needed")
        self.count = count
        self.size = size
        self.seed = seed
    }

    /// What example `index` shows (before drawing).
    public struct Spec: Sendable, Hashable {
        public var shape: Int
        public var small: Bool
        public var colour: Int
        public var background: Int
        /// Centre and half-extent in units of the image side.
        public var cx: Double, cy: Double, radius: Double

        public var caption: String {
            let (fg, bg) = (ShapesDataset.colours[colour].name, ShapesDataset.colours[background].name)
            return "a \(small ? "small" : "large") \(fg) \(ShapesDataset.shapes[shape]) "
                + "on \(bg.first == "o" ? "an" : "a") \(bg) background"
        }
    }

    public func spec(_ index: Int) -> Spec {
        precondition(index >= 0 && index < count, "ShapesDataset: index \(index) out of 0..<\(count)")
        var rng = ArrozRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &+ 1)
        let shape = rng.int(0, Self.shapes.count)
        let small = rng.bernoulli(0.5)
        let colour = rng.int(0, Self.colours.count)
        var background = rng.int(0, Self.colours.count - 1)
        if background >= colour { background += 1 }
        let radius = small ? Double(rng.uniform(0.12, 0.18)) : Double(rng.uniform(0.28, 0.40))
        let cx = Double(rng.uniform(Float(radius), Float(1 - radius)))
        let cy = Double(rng.uniform(Float(radius), Float(1 - radius)))
        return Spec(
            shape: shape, small: small, colour: colour, background: background, cx: cx, cy: cy, radius: radius
        )
    }

    public func example(_ index: Int) -> Example {
        let s = spec(index)
        return Example(image: Self.draw(s, size: size), caption: s.caption, label: s.shape)
    }

    /// Renders a spec: coverage from 4×4 subsamples blends shape colour over background.
    public static func draw(_ s: Spec, size: Int) -> RGBImage {
        let fg = colours[s.colour].rgb, bg = colours[s.background].rgb
        var image = RGBImage(width: size, height: size, fill: (bg.r, bg.g, bg.b))
        let n = 4
        for y in 0..<size {
            for x in 0..<size {
                var hits = 0
                for sy in 0..<n {
                    for sx in 0..<n {
                        let u = (Double(x) + (Double(sx) + 0.5) / Double(n)) / Double(size) - s.cx
                        let v = (Double(y) + (Double(sy) + 0.5) / Double(n)) / Double(size) - s.cy
                        if inside(shape: s.shape, u: u, v: v, r: s.radius) { hits += 1 }
                    }
                }
                guard hits > 0 else { continue }
                let a = Double(hits) / Double(n * n)
                func mix(_ f: UInt8, _ b: UInt8) -> UInt8 {
                    UInt8((a * Double(f) + (1 - a) * Double(b)).rounded())
                }
                image[x, y] = (mix(fg.r, bg.r), mix(fg.g, bg.g), mix(fg.b, bg.b))
            }
        }
        return image
    }

    /// Point (u, v) relative to the centre, y down; r = half-extent.
    static func inside(shape: Int, u: Double, v: Double, r: Double) -> Bool {
        switch shape {
        case 0: return u * u + v * v <= r * r
        case 1: return abs(u) <= r * 0.85 && abs(v) <= r * 0.85
        default:
            // Upright triangle: apex (0, −r), base from (−r, r·0.8) to (r, r·0.8).
            let base = r * 0.8
            guard v <= base && v >= -r else { return false }
            let halfWidth = r * (v + r) / (base + r)
            return abs(u) <= halfWidth
        }
    }
}

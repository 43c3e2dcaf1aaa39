// SeedEdit: an edit of a source image the studio saved (outputs/sources/<hash>.png) — variations, structural
// variation, image to image, inpainting, outpainting — and how it turns the base request into the edit's
// request, the way A1111's img2img / inpaint tabs sit on top of txt2img.
import ArrozTrain

/// What the edit does with the source image; which one `v` picks follows the model's capabilities.
public enum EditKind: String, Equatable, Sendable {
    /// Latent (Arroz) models: condition on the source's image embedding (`variationsOf`).
    case variations
    /// Token (Paella) models: the source's tokens noised to `strength` and resampled (`variation`).
    case structural
    /// Pixel models: SDEdit from the source at `strength` (`initImage`, `strength`).
    case imageToImage
    /// Token models: resample only the marked cells (`mask`).
    case inpaint
    /// Token models: grow the canvas on some sides; the source shrinks into the rest (`outpaint`).
    case outpaint

    /// The default strength of the kinds that have one (`[` / `]` change it).
    public var defaultStrength: Float { self == .imageToImage ? 0.6 : 0.5 }
    public var hasStrength: Bool { self == .structural || self == .imageToImage }

    /// The `v` edit for a model with these capabilities (nil: it makes no variations).
    public static func variation(for c: PipelineCapabilities) -> EditKind? {
        if c.contains(.variations) { return .variations }
        if c.contains(.variation) { return .structural }
        if c.contains(.imageToImage) { return .imageToImage }
        return nil
    }
}

/// A side of the image, for outpainting (`o` then an arrow).
public enum ImageSide: Int, Equatable, Sendable, CaseIterable {
    case left, top, right, bottom

    public var arrow: String { ["←", "↑", "→", "↓"][rawValue] }
}

/// The edit in force: its kind, the saved source PNG, and the kind's own setting.
public struct SeedEdit: Equatable, Sendable {
    public var kind: EditKind
    /// Absolute path of the saved source PNG (what the request, and so the saved PNG, names).
    public var source: String
    /// Structural variation / image-to-image strength in [0.05, 1].
    public var strength: Float
    /// Inpainting: the saved mask PNG (white = repaint); nil until enter resamples the marked cells.
    public var mask: String?
    /// Outpainting: pixels added on the left, top, right and bottom.
    public var margins = [0, 0, 0, 0]

    public init(kind: EditKind, source: String, strength: Float? = nil) {
        self.kind = kind
        self.source = source
        self.strength = strength ?? kind.defaultStrength
    }

    /// Strengths `[` and `]` (and ←/→ on the Sampler pane's strength) step through, by 0.05.
    public static let strengthRange: ClosedRange<Float> = 0.05...1

    /// `strength` moved by `d` steps of 0.05 within ``strengthRange``.
    public static func stepped(strength: Float, by d: Int) -> Float {
        strength.stepped(by: d, perUnit: 20, in: strengthRange)
    }

    public mutating func adjustStrength(_ d: Int) { strength = Self.stepped(strength: strength, by: d) }

    /// The edit's request on top of `base` (nil while there is nothing to run: inpainting before a mask).
    public func request(from base: GenerationRequest) -> GenerationRequest? {
        var r = base
        (r.initImage, r.mask, r.outpaint, r.variation, r.variationsOf, r.invert) = (
            nil, nil, nil, nil, nil, false
        )
        switch kind {
        case .variations:
            r.variationsOf = source
        case .structural:
            r.initImage = source
            r.variation = strength
        case .imageToImage:
            r.initImage = source
            r.strength = strength
        case .inpaint:
            guard let mask else { return nil }
            r.initImage = source
            r.mask = mask
        case .outpaint:
            guard margins.contains(where: { $0 > 0 }) else { return nil }
            r.initImage = source
            r.outpaint = margins
        }
        return r
    }

    /// The edit a saved request describes (`l` on a PNG made by an edit); nil for plain requests.
    public init?(request r: GenerationRequest) {
        if let v = r.variationsOf {
            self.init(kind: .variations, source: v)
        } else if let image = r.initImage, let v = r.variation {
            self.init(kind: .structural, source: image, strength: v)
        } else if let image = r.initImage, let m = r.mask {
            self.init(kind: .inpaint, source: image)
            mask = m
        } else if let image = r.initImage, let o = r.outpaint {
            self.init(kind: .outpaint, source: image)
            margins = o
        } else {
            return nil
        }
    }

    /// A few words for the Preview pane's title.
    public var summary: String {
        switch kind {
        case .variations: "variations of the image"
        case .structural: "variation " + TextLayout.fixed(Double(strength), 2)
        case .imageToImage: "img2img " + TextLayout.fixed(Double(strength), 2)
        case .inpaint: mask == nil ? "mark cells, enter repaints" : "inpaint"
        case .outpaint:
            "outpaint "
                + zip(ImageSide.allCases, margins).filter { $0.1 > 0 }.map { "\($0.0.arrow)\($0.1)" }
                .joined(separator: " ")
        }
    }
}

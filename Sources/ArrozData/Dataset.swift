// Dataset: what every data source offers the training loop — images with captions (and class labels).
import ArrozImage

/// One training example.
public struct Example: Sendable {
    public var image: RGBImage
    public var caption: String
    /// Class index for class-conditional recipes (Fashion-MNIST), nil otherwise.
    public var label: Int?
    /// Whether a left-right mirror still matches the caption (false for text, arrows, flags, "left"/"right").
    public var flippable: Bool

    public init(image: RGBImage, caption: String, label: Int? = nil, flippable: Bool = true) {
        self.image = image
        self.caption = caption
        self.label = label
        self.flippable = flippable
    }
}

/// A finite, indexable dataset.
public protocol Dataset: Sendable {
    var name: String { get }
    var count: Int { get }
    /// Class names, for class-conditional datasets (index = label).
    var classNames: [String]? { get }
    func example(_ index: Int) -> Example
    /// The example, or an error naming the file when its data turns out broken on first read (lazily decoded
    /// sets such as emoji). Loaders call this one; the default forwards to `example(_:)`.
    func loadExample(_ index: Int) throws -> Example
}

extension Dataset {
    public func loadExample(_ index: Int) throws -> Example { example(index) }
}

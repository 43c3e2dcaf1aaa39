// Dataset: what every data source offers the training loop — images with captions (and class labels).
import ArrozImage

/// One training example.
public struct Example: Sendable {
    public var image: RGBImage
    public var caption: String
    /// Class index for class-conditional recipes (Fashion-MNIST), nil otherwise.
    public var label: Int?

    public init(image: RGBImage, caption: String, label: Int? = nil) {
        self.image = image
        self.caption = caption
        self.label = label
    }
}

/// A finite, indexable dataset.
public protocol Dataset: Sendable {
    var name: String { get }
    var count: Int { get }
    /// Class names, for class-conditional datasets (index = label).
    var classNames: [String]? { get }
    func example(_ index: Int) -> Example
}

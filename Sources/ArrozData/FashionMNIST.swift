// FashionMNIST: Zalando's Fashion-MNIST from its gzipped IDX files (Debian `dataset-fashion-mnist`).
import ArrozImage
import Foundation

/// Fashion-MNIST: 70,000 greyscale 28×28 clothing pictures in 10 classes (60,000 train, 10,000 test).
///
/// Reads the IDX format of LeCun's MNIST (big-endian magic `0x00000803` images / `0x00000801` labels, then
/// the dimensions, then raw bytes), as `torchvision.datasets.FashionMNIST` does. Images are white-on-black as
/// stored, padded with black to `size` (32 by default, the seeds' U-Net size), grey copied into R, G and B.
/// The caption is the class name.
public struct FashionMNIST: Dataset {
    public enum Split: String, Sendable, CaseIterable, Codable {
        case train, test
        var prefix: String { self == .train ? "train" : "t10k" }
    }

    /// Where the Debian package puts the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    public static let debianPackage = "dataset-fashion-mnist"
    /// torchvision's `FashionMNIST.classes`, index = label.
    public static let classes = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
        "Ankle boot",
    ]

    public let split: Split
    public let size: Int
    public var name: String { "fashion-mnist-\(split.rawValue)" }
    public var count: Int { labels.count }
    public var classNames: [String]? { Self.classes }
    /// Raw 28×28 images, `count · 784` bytes.
    let raw: [UInt8]
    /// Class index per image.
    public let labels: [UInt8]

    /// Loads a split. Throws ``DatasetError/missing(dataset:path:package:)`` (with the `apt-get install` fix)
    /// when the files are absent, and ``DatasetError/badFile(path:reason:)`` when they are not IDX.
    public init(split: Split = .train, directory: String = FashionMNIST.defaultDirectory, size: Int = 32)
        throws
    {
        precondition(
            size >= 28, "FashionMNIST: size \(size) must be >= 28 (images are padded, never cropped)")
        let imagesPath = "\(directory)/\(split.prefix)-images-idx3-ubyte.gz"
        let labelsPath = "\(directory)/\(split.prefix)-labels-idx1-ubyte.gz"
        for path in [imagesPath, labelsPath] where !FileManager.default.fileExists(atPath: path) {
            throw DatasetError.missing(dataset: "Fashion-MNIST", path: path, package: Self.debianPackage)
        }
        let (imageDims, images) = try Self.readIDX(imagesPath, magic: 0x0803)
        let (labelDims, labels) = try Self.readIDX(labelsPath, magic: 0x0801)
        guard imageDims.count == 3, imageDims[1] == 28, imageDims[2] == 28 else {
            throw DatasetError.badFile(
                path: imagesPath, reason: "expected N×28×28 images, header says \(imageDims)")
        }
        guard labelDims == [imageDims[0]] else {
            throw DatasetError.badFile(
                path: labelsPath, reason: "\(labelDims) labels for \(imageDims[0]) images")
        }
        if let bad = labels.first(where: { $0 >= 10 }) {
            throw DatasetError.badFile(path: labelsPath, reason: "label \(bad) outside 0...9")
        }
        self.split = split
        self.size = size
        self.raw = images
        self.labels = labels
    }

    /// Parses an IDX file of unsigned bytes: returns the dimensions and the data.
    static func readIDX(_ path: String, magic: UInt32) throws -> ([Int], [UInt8]) {
        let bytes = try Gzip.read(path)
        func u32(_ o: Int) -> UInt32 {
            UInt32(bytes[o]) << 24 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 8
                | UInt32(bytes[o + 3])
        }
        guard bytes.count >= 4, u32(0) == magic else {
            throw DatasetError.badFile(
                path: path, reason: "not an IDX file with magic 0x\(String(magic, radix: 16))")
        }
        let rank = Int(magic & 0xFF)
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DatasetError.badFile(path: path, reason: "truncated header")
        }
        let dims = (0..<rank).map { Int(u32(4 + 4 * $0)) }
        let total = dims.reduce(1, *)
        guard bytes.count == headerSize + total else {
            throw DatasetError.badFile(
                path: path, reason: "\(bytes.count - headerSize) data bytes, dims \(dims) need \(total)")
        }
        return (dims, Array(bytes[headerSize...]))
    }

    /// The label of example `index` without decoding its image.
    public func label(_ index: Int) -> Int { Int(labels[index]) }

    public func example(_ index: Int) -> Example {
        precondition(index >= 0 && index < count, "FashionMNIST: index \(index) out of 0..<\(count)")
        let pad = (size - 28) / 2
        var px = [UInt8](repeating: 0, count: size * size * 3)
        raw.withUnsafeBufferPointer { src in
            px.withUnsafeMutableBufferPointer { dst in
                let base = index * 784
                for y in 0..<28 {
                    for x in 0..<28 {
                        let v = src[base + y * 28 + x]
                        let d = 3 * ((y + pad) * size + x + pad)
                        dst[d] = v
                        dst[d + 1] = v
                        dst[d + 2] = v
                    }
                }
            }
        }
        let label = Int(labels[index])
        return Example(
            image: RGBImage(width: size, height: size, pixels: px), caption: Self.classes[label], label: label
        )
    }
}

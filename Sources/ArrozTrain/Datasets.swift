// Datasets: builds the dataset a DataConfig names (Fashion-MNIST, Noto emoji, shapes, an image folder).
import ArrozData

public enum Datasets {
    /// The dataset for `config`, limited to `config.limit` examples. Throws the data's own error (which names
    /// the missing Debian package or the broken file).
    public static func make(_ config: DataConfig) throws -> Dataset {
        let base: Dataset
        switch config.dataset {
        case "fashion-mnist", "fashion":
            base = try FashionMNIST(split: .train, size: config.imageSize)
        case "fashion-mnist-test":
            base = try FashionMNIST(split: .test, size: config.imageSize)
        case "emoji":
            base = try EmojiDataset(size: config.imageSize)
        case "shapes":
            base = ShapesDataset(count: config.limit ?? 10_000, size: config.imageSize)
        case "folder":
            guard let path = config.path else {
                throw TrainError.badSetting("data.path is required for a folder dataset")
            }
            base = try ImageFolderDataset(path: path, size: config.imageSize)
        default:
            throw TrainError.badSetting(
                "unknown dataset '\(config.dataset)' (known: fashion-mnist, emoji, shapes, folder)")
        }
        if let limit = config.limit, limit < base.count { return Subset(base: base, count: limit) }
        return base
    }
}

/// The first `count` examples of a dataset.
struct Subset: Dataset {
    let base: Dataset
    let count: Int
    var name: String { base.name }
    var classNames: [String]? { base.classNames }
    func example(_ index: Int) -> Example { base.example(index) }
}

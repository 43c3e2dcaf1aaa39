// Datasets: the dataset a DataConfig names, opened through ArrozData's DatasetCatalog, optionally limited.
import ArrozData

public enum Datasets {
    /// The dataset for `config` (`fashion-mnist`, `emoji`, `emoji-single`, `shapes`, or `folder` with `path`),
    /// limited to `config.limit` examples. Throws the data's own error (which names the missing Debian package
    /// or the broken file).
    public static func make(_ config: DataConfig) throws -> Dataset {
        let spec: String
        if config.dataset == "folder" {
            guard let path = config.path else {
                throw TrainError.badSetting("data.path is required for a folder dataset")
            }
            spec = path
        } else {
            spec = config.dataset
        }
        let base = try DatasetCatalog.open(spec, size: config.imageSize)
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
    func loadExample(_ index: Int) throws -> Example { try base.loadExample(index) }
}

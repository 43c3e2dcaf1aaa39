// DatasetCatalog: opens a dataset from the name a user types (`--data shapes`, `--data ./my-pictures`).
import Foundation

/// The datasets arroz-studio knows by name, and folders by path.
///
/// | name | what |
/// |---|---|
/// | `shapes` | ``ShapesDataset``, 10,000 seeded pictures |
/// | `fashion-mnist`, `fashion-mnist:test` | ``FashionMNIST`` train / test split |
/// | `emoji` | ``EmojiDataset``, every RGI emoji with CLDR names |
/// | `emoji-single` | ``EmojiDataset`` single-code-point emoji only |
/// | anything else | an ``ImageFolderDataset`` at that path |
public enum DatasetCatalog {
    public static let names = ["shapes", "fashion-mnist", "fashion-mnist:test", "emoji", "emoji-single"]

    /// Opens `spec` at `size` × `size` pixels. `seed` only affects the procedural shapes.
    public static func open(_ spec: String, size: Int = 32, seed: UInt64 = 0) throws -> any Dataset {
        switch spec.lowercased() {
        case "shapes": return ShapesDataset(count: 10_000, size: size, seed: seed)
        case "fashion-mnist", "fashion-mnist:train": return try FashionMNIST(split: .train, size: size)
        case "fashion-mnist:test": return try FashionMNIST(split: .test, size: size)
        case "emoji": return try EmojiDataset(size: size)
        case "emoji-single": return try EmojiDataset(size: size, selection: .singleCodePoints)
        default:
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory)
            guard exists && isDirectory.boolValue else {
                throw DatasetError.unknown(spec: spec, known: names)
            }
            return try ImageFolderDataset(path: spec, size: size)
        }
    }
}

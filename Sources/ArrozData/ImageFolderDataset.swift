// ImageFolderDataset: a folder of PNGs with `.txt` caption sidecars or a `metadata.jsonl` (file_name, text).
import ArrozImage
import Foundation

/// A user's own pictures, loaded once into memory at a common size.
///
/// Layout (as Hugging Face `imagefolder` and kohya-style trainers use):
/// - `metadata.jsonl`, one JSON object per line with `file_name` (relative path) and `text` (caption); or
/// - `name.png` + `name.txt` (the caption; missing `.txt` means an empty caption, i.e. unconditional).
///
/// Every other file (a `.jpg`, a stray `.txt` with no image) is an error naming it; hidden files and
/// sub-folders are skipped. Each image is centre-cropped to a square and area-resized to `size` (torchvision
/// `Resize(size)` + `CenterCrop(size)` order: resize the short side, then crop). Broken PNGs throw
/// ``ArrozImage/ImageError`` naming the file.
public struct ImageFolderDataset: Dataset {
    public let name: String
    public let path: String
    public let size: Int
    public var count: Int { images.count }
    public var classNames: [String]? { nil }
    public let files: [String]
    let images: [RGBImage]
    let captions: [String]

    public init(path: String, size: Int = 32) throws {
        guard size > 0 else { throw DatasetError.badFile(path: path, reason: "image size \(size) must be positive") }
        let pairs = try Self.listing(path: path)
        let root = URL(fileURLWithPath: path)
        self.name = root.lastPathComponent
        self.path = path
        self.size = size
        self.files = pairs.map(\.file)
        self.captions = pairs.map(\.caption)
        self.images = try pairs.map { try Self.fit(loadPNG($0.file), size: size) }
    }

    /// The folder's images and captions without decoding them (cheap: for checks before a long load). Throws
    /// naming the file for a missing folder, a non-PNG file, a bad caption or `metadata.jsonl`, no images.
    public static func listing(path: String) throws -> [(file: String, caption: String)] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ImageError.cannotOpen(path: path, reason: "no such folder")
        }
        let root = URL(fileURLWithPath: path)
        let metadata = root.appendingPathComponent("metadata.jsonl").path
        let pairs =
            fm.fileExists(atPath: metadata)
            ? try Self.readMetadata(metadata, root: root)
            : try Self.scanSidecars(root)
        guard !pairs.isEmpty else { throw DatasetError.empty(path: path) }
        return pairs
    }

    public func example(_ index: Int) -> Example {
        precondition(index >= 0 && index < count, "ImageFolderDataset: index \(index) out of 0..<\(count)")
        return Example(image: images[index], caption: captions[index])
    }

    /// Resize the short side to `size` (area filter), then centre-crop the long side.
    public static func fit(_ image: RGBImage, size: Int) -> RGBImage {
        let scale = Double(size) / Double(min(image.width, image.height))
        let w = max(size, Int((Double(image.width) * scale).rounded()))
        let h = max(size, Int((Double(image.height) * scale).rounded()))
        let filter: ResizeFilter = scale <= 1 ? .area : .bilinear
        let resized = image.resized(width: w, height: h, filter: filter)
        if w == size && h == size { return resized }
        var out = RGBImage(width: size, height: size)
        out.paste(resized, x: -(w - size) / 2, y: -(h - size) / 2)
        return out
    }

    /// `name.png` + optional `name.txt`; anything else that is not hidden or a folder is an error.
    static func scanSidecars(_ root: URL) throws -> [(file: String, caption: String)] {
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: root.path).filter { !$0.hasPrefix(".") }.sorted()
        func split(_ name: String) -> (stem: String, ext: String) {
            ((name as NSString).deletingPathExtension, (name as NSString).pathExtension.lowercased())
        }
        let pngStems = Set(names.map(split).filter { $0.ext == "png" }.map(\.stem))
        // Caption file per image stem, whatever the case of its extension.
        var sidecars: [String: String] = [:]
        for name in names where split(name).ext == "txt" { sidecars[split(name).stem] = name }
        var pairs: [(String, String)] = []
        for name in names {
            let full = root.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue { continue }
            let (stem, ext) = split(name)
            if ext == "txt" && pngStems.contains(stem) { continue }
            guard ext == "png" else { throw DatasetError.unsupportedFile(path: full) }
            var caption = ""
            if let sidecar = sidecars[stem] {
                let captionPath = root.appendingPathComponent(sidecar).path
                guard let text = try? String(contentsOfFile: captionPath, encoding: .utf8) else {
                    throw DatasetError.badFolderFile(
                        path: captionPath, reason: "caption is not UTF-8 text", fix: "re-save it as UTF-8, e.g. `iconv -t UTF-8`")
                }
                caption = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            pairs.append((full, caption))
        }
        return pairs
    }

    /// `{"file_name": "a.png", "text": "a red apple"}` per line.
    static func readMetadata(_ path: String, root: URL) throws -> [(file: String, caption: String)] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DatasetError.badFolderFile(
                path: path, reason: "not readable as UTF-8 text", fix: "re-save it as UTF-8 JSON lines")
        }
        var pairs: [(String, String)] = []
        for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
                let file = object["file_name"] as? String
            else {
                throw DatasetError.badFolderFile(
                    path: path, reason: "line \(n + 1) is not a JSON object with \"file_name\" and \"text\"",
                    fix: "write one {\"file_name\": \"a.png\", \"text\": \"a caption\"} per line")
            }
            let full = root.appendingPathComponent(file).path
            guard file.lowercased().hasSuffix(".png") else { throw DatasetError.unsupportedFile(path: full) }
            pairs.append((full, (object["text"] as? String) ?? ""))
        }
        return pairs
    }
}

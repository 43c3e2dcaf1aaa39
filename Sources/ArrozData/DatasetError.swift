// DatasetError: what loading a dataset can throw — naming the file and the exact fix.

/// Errors from dataset readers. Missing system datasets say which `apt-get install` brings them.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// A dataset shipped as a Debian package is not installed.
    case missing(dataset: String, path: String, package: String)
    /// A file exists but is not what the reader expects.
    case badFile(path: String, reason: String)
    /// A file of the user's own image folder (a caption, `metadata.jsonl`) that cannot be read as it is.
    case badFolderFile(path: String, reason: String, fix: String)
    /// A folder dataset holds a file that is not a PNG (or a caption with no image).
    case unsupportedFile(path: String)
    /// A folder dataset has no images.
    case empty(path: String)
    /// Neither a known dataset name nor an existing folder.
    case unknown(spec: String, known: [String])

    public var description: String {
        switch self {
        case .missing(let d, let p, let pkg):
            "\(d) not found at \(p) (fix: `sudo apt-get install \(pkg)`)"
        case .badFile(let p, let r):
            "\(p): \(r) (hint: reinstall the package or re-download the file)"
        case .badFolderFile(let p, let r, let fix):
            "\(p): \(r) (fix: \(fix))"
        case .unsupportedFile(let p):
            "\(p) is not a PNG image (hint: image folders hold .png files with .txt captions or a "
                + "metadata.jsonl; convert it with `convert \(p) \(p).png` or move it out of the folder)"
        case .unknown(let s, let known):
            "no dataset called '\(s)' and no such folder (hint: use one of \(known.joined(separator: ", ")) "
                + "or the path of a folder of PNGs)"
        case .empty(let p):
            "\(p) holds no .png images (hint: point --data at a folder of PNGs with .txt captions)"
        }
    }
}

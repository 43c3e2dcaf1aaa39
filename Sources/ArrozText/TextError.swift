// TextError: what can go wrong reading prompts, vocabularies, weights and embedding files — each names the
// file or prompt and says how to fix it.
import Foundation

/// Errors from ArrozText. Every case names the file (or prompt) and the fix.
public enum TextError: Error, CustomStringConvertible, Equatable {
    /// An encoder's files are not where we looked; `fix` is the command that fetches them.
    case missingEncoder(name: String, directory: String, fix: String)
    /// A file exists but cannot be read at all.
    case unreadable(path: String, reason: String)
    /// A text file (vocabulary, merges, prompt list) is not valid UTF-8.
    case invalidUTF8(path: String)
    /// A weights file is truncated, has a broken header or a tensor of the wrong shape.
    case corruptWeights(path: String, reason: String)
    /// A weights file lacks a tensor the model needs.
    case missingTensor(path: String, name: String)
    /// An embedding file (`.npy`, `.safetensors`) we cannot use as a prompt.
    case badEmbeddingFile(path: String, reason: String)
    /// An `--encoder` value we do not understand.
    case unknownEncoder(String)
    /// A prompt we cannot encode.
    case badPrompt(prompt: String, reason: String)

    public var description: String {
        switch self {
        case let .missingEncoder(name, directory, fix):
            return "the \(name) encoder is missing from \(directory); run `\(fix)` to fetch it"
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .invalidUTF8(path):
            return "\(path) is not valid UTF-8 text; re-save it as UTF-8 (e.g. `iconv -t UTF-8`)"
        case let .corruptWeights(path, reason):
            return "\(path) is not a usable safetensors file (\(reason)); fetch it again (`make encoder` for "
                + "the built-in encoders)"
        case let .missingTensor(path, name):
            return "\(path) has no tensor named \(name); is it the right model's weights?"
        case let .badEmbeddingFile(path, reason):
            return "cannot use \(path) as an embedding: \(reason)"
        case let .unknownEncoder(spec):
            return
                "unknown encoder \"\(spec)\"; use minilm or clip:DIR "
                + "(a folder with config.json and model.safetensors)"
        case let .badPrompt(prompt, reason):
            let shown = prompt.count > 40 ? String(prompt.prefix(40)) + "…" : prompt
            return "cannot encode prompt \"\(shown)\": \(reason)"
        }
    }
}

/// Reads a whole text file as UTF-8, throwing `TextError` for a missing file or invalid UTF-8.
func readUTF8(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw TextError.unreadable(path: path, reason: "no such file or not readable")
    }
    guard let text = String(validating: data, as: UTF8.self) else { throw TextError.invalidUTF8(path: path) }
    return text
}

/// The lines of a UTF-8 text file, split on "\n" bytes (not on `Character`s, which would glue a line that
/// starts with a combining mark onto the newline), each without a trailing "\r"; no final empty line.
func readUTF8Lines(_ path: String) throws -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw TextError.unreadable(path: path, reason: "no such file or not readable")
    }
    let bytes = [UInt8](data)
    var lines: [String] = []
    var start = 0
    for i in bytes.indices where bytes[i] == 0x0A || i == bytes.count - 1 {
        var end = bytes[i] == 0x0A ? i : i + 1
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        guard let line = String(validating: bytes[start..<end], as: UTF8.self) else {
            throw TextError.invalidUTF8(path: path)
        }
        lines.append(line)
        start = i + 1
    }
    return lines
}

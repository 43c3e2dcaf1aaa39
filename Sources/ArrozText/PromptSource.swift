// PromptSource: what stands where a prompt is accepted — text, or an embedding file ("file:e.npy", or an
// existing path ending in .npy / .safetensors) whose vectors are used as the pooled embedding.
import ArrozTensor
import Foundation

public enum PromptSource: Equatable, Sendable {
    case text(String)
    case embeddingFile(String)

    /// "file:PATH" is always a file; a string ending in .npy / .safetensors is a file when it exists;
    /// anything else is prompt text.
    public init(_ argument: String) {
        if argument.hasPrefix("file:") {
            self = .embeddingFile(String(argument.dropFirst(5)))
        } else if argument.hasSuffix(".npy") || argument.hasSuffix(".safetensors"),
            FileManager.default.fileExists(atPath: argument)
        {
            self = .embeddingFile(argument)
        } else {
            self = .text(argument)
        }
    }

    /// A short label for tables and PNG parameters.
    public var label: String {
        switch self {
        case .text(let t): return t
        case .embeddingFile(let p): return "file:" + p
        }
    }

    /// Pooled `[N, D]` rows for this source: text goes through `encoder` (one row); a file gives its rows,
    /// which must be `dimension` wide.
    public func embedding(using encoder: PromptEncoder) throws -> Tensor {
        switch self {
        case .text(let t):
            return try encoder.encode([t]).pooled
        case .embeddingFile(let path):
            return try Self.readEmbedding(path, dimension: encoder.dimension)
        }
    }

    /// Reads `[N, D]` from a `.npy` or the tensors of a `.safetensors` (one tensor, or the one named
    /// `embedding` / `pooled`); throws `TextError.badEmbeddingFile` when the width is not `dimension`.
    public static func readEmbedding(_ path: String, dimension: Int?) throws -> Tensor {
        let rows: Tensor
        if path.hasSuffix(".safetensors") {
            let file = try WeightFile(path)
            let preferred = ["embedding", "pooled", "embeddings"].compactMap { file.tensors[$0] }.first
            guard let t = preferred ?? (file.tensors.count == 1 ? file.tensors.values.first : nil) else {
                throw TextError.badEmbeddingFile(
                    path: path,
                    reason: "it holds \(file.tensors.count) tensors ("
                        + file.tensors.keys.sorted().joined(separator: ", ")
                        + "); name the vector `embedding`"
                )
            }
            guard t.rank == 1 || t.rank == 2 else {
                throw TextError.badEmbeddingFile(
                    path: path, reason: "tensor shape \(t.shape); need [D] or [N, D]")
            }
            rows = t.reshaped(t.rank == 1 ? [1, t.shape[0]] : t.shape)
        } else {
            rows = try NpyFile.read(path)
        }
        guard rows.shape[0] > 0 else {
            throw TextError.badEmbeddingFile(path: path, reason: "it has no rows")
        }
        if let dimension, rows.shape[1] != dimension {
            throw TextError.badEmbeddingFile(
                path: path,
                reason: "vectors are \(rows.shape[1]) wide; the encoder's "
                    + "embeddings are \(dimension) wide")
        }
        guard rows.data.allSatisfy({ $0.isFinite }) else {
            throw TextError.badEmbeddingFile(path: path, reason: "it contains NaN or infinite values")
        }
        return rows
    }

    /// The non-empty lines of a UTF-8 prompt file; invalid UTF-8 throws `TextError.invalidUTF8` naming it.
    public static func readPromptFile(_ path: String) throws -> [String] {
        try readUTF8Lines(path).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}

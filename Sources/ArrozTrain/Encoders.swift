// Encoders: turns an encoder spec (`minilm`, `clip:DIR`) into a cached PromptEncoder, and a prompt argument
// (text or an embedding file) into one embedding row.
import ArrozTensor
import ArrozText

public enum Encoders {
    nonisolated(unsafe) private static var opened: [String: PromptEncoder] = [:]

    /// The encoder named by `spec`, opened once per process and wrapped in the embedding cache.
    /// `minilm` is the default (real all-MiniLM-L6-v2 weights from `make encoder`); `clip:DIR` loads a CLIP
    /// text model saved with `save_pretrained`.
    public static func make(_ spec: String) throws -> PromptEncoder {
        if let e = opened[spec] { return e }
        let base = try TextEncoders.make(spec)  // minilm, or clip:DIR (a user's CLIP text tower)
        let e = CachedPromptEncoder(base)
        opened[spec] = e
        return e
    }
}

public enum PromptInput {
    /// One pooled embedding row for a prompt argument: text through `encoder` (after the caption `template`),
    /// or the first row of an embedding file (`file:e.npy`, or an existing `.npy` / `.safetensors` path).
    public static func embedding(for argument: String, encoder: PromptEncoder, template: String?) throws -> [Float] {
        var source = PromptSource(argument)
        if case .text(let t) = source, let template, !t.isEmpty {
            source = .text(template.replacingOccurrences(of: "{}", with: t.lowercased()))
        }
        let rows = try source.embedding(using: encoder)                  // [N, D]
        return Array(rows.data.prefix(rows.shape[1]))
    }
}

// LoadedModel: a checkpoint opened for sampling — network (EMA weights by default), process, conditioning.
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozText
import Foundation

/// A trained model ready to sample: what `sample`, `interpolate`, `eval` and the studio open.
public final class LoadedModel {
    public let info: CheckpointInfo
    public let generator: Generator
    /// Class names for class-conditional models (index = label).
    public let classes: [String]
    /// The text encoder for text-conditioned models.
    public let encoder: PromptEncoder?
    /// Whether the EMA weights were loaded.
    public let usesEMA: Bool
    /// A short hash of the checkpoint file (size + header), recorded in PNG parameters.
    public let hash: String

    /// Opens `path`; `ema` picks the EMA weights when the checkpoint has them.
    public init(path: String, ema: Bool = true, encoder makeEncoder: (String) throws -> PromptEncoder) throws {
        let ck = try CheckpointFile(path: path)
        info = try CheckpointInfo(ck)
        var rng = ArrozRandom(seed: 0)
        let model = try info.model.makeModel(rng: &rng)
        usesEMA = ema && ck.hasEMA
        if usesEMA { try ck.restoreEMA(into: model) } else { try ck.restore(model: model) }
        model.eval()
        let process = info.run?.process ?? Self.defaultProcess(info.family)
        generator = Generator(model: model, processName: process)
        classes = info.classes
        if case .embedding = model.conditioning {
            encoder = try makeEncoder(info.run?.conditioning.encoder ?? "minilm")
        } else {
            encoder = nil
        }
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attrs?[.size] as? Int) ?? 0
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "\(size):\(info.step):\(info.family.rawValue):\(ck.file.names.count)".utf8 {
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        hash = String(h, radix: 16).prefix(10).description
    }

    static func defaultProcess(_ f: ModelFamily) -> String {
        switch f {
        case .keras: "keras"
        case .ddpm: "discrete"
        default: "cosine"
        }
    }

    /// The caption template the run trained with (`a photo of a {}` for Fashion-MNIST text runs).
    public var captionTemplate: String? { info.run?.conditioning.captionTemplate }

    /// Conditioning rows for prompts: class names (or numbers) for class models, text for embedding models.
    /// An embedding file path (`.npy`, `.safetensors`) stands in for a prompt.
    public func conditioning(for prompts: [String]) throws -> Tensor {
        switch generator.model.conditioning {
        case .classes(let count):
            let labels: [Float] = try prompts.map { p in
                if let i = Int(p), i >= 0, i < count - 1 { return Float(i + 1) }
                if let i = classes.firstIndex(where: { $0.lowercased() == p.lowercased() }) { return Float(i + 1) }
                if p.isEmpty { return 0 }
                throw SampleError.unknownClass(p, known: classes)
            }
            return Tensor(labels)
        case .embedding(let D):
            guard let encoder else { throw SampleError.noEncoder }
            var rows: [Float] = []
            for p in prompts {
                let v = try PromptInput.embedding(for: p, encoder: encoder, template: captionTemplate)
                guard v.count == D else {
                    throw SampleError.wrongWidth(p, found: v.count, expected: D)
                }
                rows += v
            }
            return Tensor(rows, shape: [prompts.count, D])
        }
    }
}

public enum SampleError: Error, CustomStringConvertible {
    case unknownClass(String, known: [String])
    case noEncoder
    case wrongWidth(String, found: Int, expected: Int)

    public var description: String {
        switch self {
        case .unknownClass(let p, let known):
            "'\(p)' is not a class of this model (classes: \(known.joined(separator: ", ")), or 0…\(known.count - 1))"
        case .noEncoder: "this model needs a text encoder (hint: run `make encoder`)"
        case .wrongWidth(let p, let f, let e):
            "embedding for '\(p)' has \(f) values but the model takes \(e) (hint: use an encoder of width \(e))"
        }
    }
}

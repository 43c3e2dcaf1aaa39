// LoadedModel: a model opened for generation — its family's pipeline over the (EMA) weights, how prompts become
// conditioning rows, and its identity (name, content hash) for PNG parameters.
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozText
import Foundation

/// A trained model ready to sample: what `sample`, `interpolate`, `eval`, the previews and the studio open.
public final class LoadedModel {
    public let pipeline: any GenerationPipeline
    /// The studio's name for it, or the checkpoint path.
    public let name: String
    /// The checkpoint path (nil for a training run's live preview model).
    public let path: String?
    /// Content hash of the checkpoint file (empty when not from a file), recorded in PNG parameters.
    public let hash: String
    public let info: CheckpointInfo?
    /// Class names for class-conditional models (index = label).
    public let classes: [String]
    /// The text encoder for text-conditioned models.
    public let encoder: PromptEncoder?
    /// The caption template the run trained with (`a photo of a {}` for Fashion-MNIST text runs).
    public let captionTemplate: String?
    /// The run's sampler settings (defaults for `sample`).
    public let sampling: SamplingDefaults?

    /// Opens `path` through its family; `ema` picks the EMA weights when the checkpoint has them.
    public init(
        path: String, name: String? = nil, ema: Bool = true, encoder makeEncoder: (String) throws -> PromptEncoder
    ) throws {
        let ck = try CheckpointFile(path: path)
        let info = try CheckpointInfo(ck)
        let family = try info.spec.owner()
        pipeline = try family.openPipeline(ck, spec: info.spec, ema: ema)
        self.info = info
        self.path = path
        self.name = name ?? path
        hash = ModelHash.ofFile(path) ?? ""
        classes = info.classes
        captionTemplate = info.run?.conditioning.captionTemplate
        sampling = info.run?.sampling
        if case .embedding = pipeline.conditioning {
            encoder = try makeEncoder(info.run?.conditioning.encoder ?? "minilm")
        } else {
            encoder = nil
        }
    }

    /// A pipeline that is not (yet) a file: a training run's preview weights.
    public init(
        pipeline: any GenerationPipeline, name: String, classes: [String], run: RunConfig,
        encoder makeEncoder: (String) throws -> PromptEncoder
    ) throws {
        self.pipeline = pipeline
        self.name = name
        path = nil
        hash = ""
        info = nil
        self.classes = classes
        captionTemplate = run.conditioning.captionTemplate
        sampling = run.sampling
        if case .embedding = pipeline.conditioning {
            encoder = try makeEncoder(run.conditioning.encoder)
        } else {
            encoder = nil
        }
    }

    /// A request for this model with its run's sampler settings.
    public func request(prompt: String, seed: UInt64 = 0) -> GenerationRequest {
        let s = sampling ?? SamplingDefaults(sampler: pipeline.defaultSampler)
        var r = GenerationRequest(
            promptA: prompt, model: name, sampler: pipeline.samplers.contains(s.sampler) ? s.sampler : pipeline.defaultSampler,
            steps: s.steps, cfg: s.cfg, seed: seed, size: pipeline.outputShape.size, eta: s.eta)
        r.modelHash = hash
        return r
    }

    /// Conditioning rows for prompts: class names (or numbers) for class models, text for embedding models.
    /// An embedding file path (`.npy`, `.safetensors`) stands in for a prompt.
    public func conditioning(for prompts: [String]) throws -> Tensor {
        switch pipeline.conditioning {
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

    /// Generates `requests`: images `[N] + outputShape` in [−1, 1] (row order: request, image k, strip frame),
    /// or nil when cancelled. `.perImage` (what `sample`, `interpolate` and the studio use) samples every image
    /// alone, so each reproduces by itself from its PNG; `.batched` runs all rows as one batch (faster: eval
    /// and training previews, which need no single image to reproduce).
    public func generate(
        _ requests: [GenerationRequest], batching: Batching = .perImage, controls: SamplerControls? = nil,
        onStep: ((PipelineStep) -> Bool)? = nil
    ) throws -> Tensor? {
        let c = controls ?? SamplerControls(guidanceScale: requests.first?.cfg ?? 1)
        switch batching {
        case .batched:
            let precision = requests.first?.precision ?? .fp32
            return try withPrecision(precision) {
                let plan = try GenerationPlanner.plan(requests, model: self, controls: c)
                return try pipeline.run(plan, controls: c, onStep: onStep)
            }
        case .perImage:
            for r in requests { try r.validate(for: pipeline) }
            let rows = requests.flatMap { $0.singleRows() }
            var out: [Tensor] = []
            for (i, row) in rows.enumerated() {
                let step = onStep.map { f in
                    { (s: PipelineStep) -> Bool in
                        f(PipelineStep(index: i * s.count + s.index, count: rows.count * s.count, preview: s.preview))
                    }
                }
                let x = try withPrecision(row.precision) {
                    try pipeline.run(try GenerationPlanner.plan([row], model: self, controls: c), controls: c, onStep: step)
                }
                guard let x else { return nil }
                out.append(x)
            }
            return concat(out, axis: 0)
        }
    }

    /// How `generate` groups its rows.
    public enum Batching: Sendable { case perImage, batched }
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

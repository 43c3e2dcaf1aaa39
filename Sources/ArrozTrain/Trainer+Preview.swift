// Trainer+Preview: the fixed-seed sample grid a run writes every `sampleEvery` steps, from its EMA weights,
// through the same planner and pipeline as `sample`.
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor

extension Trainer {
    /// What the preview grid shows, one entry per column: class labels or prompts.
    public var previewSubjects: [String] {
        if !config.previewPrompts.isEmpty { return config.previewPrompts }
        if let names = dataset.classNames { return names }
        var seen: [String] = []
        var i = 0
        while seen.count < 4 && i < dataset.count {
            let c = dataset.example(i * max(1, dataset.count / 16)).caption
            if !seen.contains(c) { seen.append(c) }
            i += 1
        }
        return seen
    }

    /// The model as `sample` would open it now: the objective's sampling weights (EMA), the run's classes and
    /// text encoder.
    public func samplingModel() throws -> LoadedModel {
        try LoadedModel(
            pipeline: objective.pipeline(), name: "\(run.name) · ema", classes: dataset.classNames ?? [],
            run: config, encoder: encoder)
    }

    /// The requests of the preview grid: one per subject, `rows` seeds each, with the run's sampler settings.
    public func previewRequests(rows: Int = 2, size: Int) -> [GenerationRequest] {
        let s = config.sampling
        return previewSubjects.map { subject in
            var r = GenerationRequest(
                promptA: subject, model: "\(run.name) · ema", sampler: s.sampler, steps: s.steps, cfg: s.cfg,
                seed: 1234, size: size, eta: s.eta)
            r.count = rows
            return r
        }
    }

    /// The run's preview grid (the objective's: samples of the subjects, or reconstructions), from its EMA
    /// weights; the networks are back in training mode after it.
    public func previewGrid(rows: Int = 2) throws -> RGBImage {
        defer { objective.train() }
        let context = PreviewContext(
            subjects: previewSubjects, rows: rows, model: { try self.samplingModel() },
            requests: { self.previewRequests(rows: rows, size: $0) },
            batch: { try self.fixedBatch() })
        return try objective.previewGrid(context)
    }

    /// The first 8 examples of the dataset (or all, if fewer), the same every time.
    func fixedBatch() throws -> TrainingBatch {
        let n = min(8, dataset.count)
        let examples = try (0..<n).map { try dataset.loadExample($0) }
        return TrainingBatch(
            images: RGBImage.batch(examples.map(\.image), channels: config.data.channels),
            captions: examples.map(\.caption), labels: examples.map(\.label))
    }
}

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

    /// A grid: one column per subject, `rows` rows of different fixed seeds, sampled with the run's settings.
    public func previewGrid(rows: Int = 2) throws -> RGBImage {
        let model = try samplingModel()
        defer { objective.train() }
        let requests = previewRequests(rows: rows, size: model.pipeline.outputShape.size)
        guard let images = try model.generate(requests, batching: .batched) else { throw TrainError.cancelled }
        // plan rows are subject-major (subject, then seed): lay them out one column per subject
        let pics = RGBImage.images(fromBatch: images)
        let n = previewSubjects.count
        let ordered = (0..<rows).flatMap { r in (0..<n).map { pics[$0 * rows + r] } }
        return ImageGrid.contactSheet(ordered, columns: n, padding: 2)
    }
}

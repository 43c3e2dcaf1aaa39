// Trainer+Preview: the fixed-seed sample grid a run writes every `sampleEvery` steps, from its EMA weights.
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor

extension Trainer {
    /// The network to sample from: a second copy holding the EMA weights (or the live weights without EMA).
    public func samplingModel() throws -> any DiffusionNetwork {
        guard let ema else { return model }
        var r = ArrozRandom(seed: 0)
        let copy = try config.model.makeModel(rng: &r)
        ema.copy(into: copy)
        copy.eval()
        return copy
    }

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

    /// Conditioning rows for `subjects` (class names map to their label).
    public func conditioning(for subjects: [String]) throws -> Tensor {
        if case .classes = conditioner.kind, let names = dataset.classNames {
            let labels: [Int?] = subjects.map { s in names.firstIndex { $0.lowercased() == s.lowercased() } }
            return try conditioner.condition(labels: labels, captions: subjects)
        }
        return try conditioner.condition(labels: subjects.map { _ in nil }, captions: subjects)
    }

    /// A grid: one column per subject, `rows` rows of different fixed seeds, sampled with the run's settings.
    public func previewGrid(rows: Int = 2) throws -> RGBImage {
        let subjects = previewSubjects
        let net = try samplingModel()
        defer { model.train() }
        let gen = Generator(model: net, processName: config.process)
        let c = try conditioning(for: subjects)
        let cond = repeatRowsTensor(c, times: rows)
        let s = config.sampling
        let settings = GenerationSettings(sampler: s.sampler, steps: s.steps, cfg: s.cfg, eta: s.eta, seed: 1234)
        guard let images = try gen.generate(cond: cond, settings: settings) else { throw TrainError.cancelled }
        let pics = RGBImage.images(fromBatch: images)
        return ImageGrid.contactSheet(pics, columns: subjects.count, padding: 2)
    }
}

/// `[N, ...]` stacked `times` times along the first axis.
func repeatRowsTensor(_ t: Tensor, times: Int) -> Tensor {
    concat(Array(repeating: t, count: times), axis: 0)
}

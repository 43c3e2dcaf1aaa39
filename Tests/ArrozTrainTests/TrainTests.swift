// TrainTests: the training loop on a tiny shapes run — loss falls, resume is exact, bad inputs fail clearly.
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import ArrozText
import ArrozTrain
import Foundation
import Testing

func tinyRun(_ name: String, root: String, process: NoiseProcessKind = .cosine) -> RunConfig {
    var a = ArrozConfig()
    a.imageSize = 8
    a.hidden = 16
    a.rEmbedding = 4
    a.conditionDimension = 6
    a.downLevels = [1, 1]
    a.upLevels = [1, 1]
    var c = RunConfig(name: name, recipe: "test", model: try! GaussianSpec(network: .arroz(a), process: process).spec)
    shapesData(&c, size: 8, limit: 64, dropout: 0.2, steps: 6)
    c.logEvery = 1
    c.optimizer.lr = 1e-3
    c.optimizer.warmupSteps = 2
    c.optimizer.gradClip = 1
    c.optimizer.emaDecay = 0.9
    c.optimizer.emaStart = 2
    c.sampling = SamplingDefaults(sampler: process == .keras ? .keras : .ddim, steps: 3, cfg: 2)
    c.previewPrompts = ["a red circle", "a blue square"]
    return c
}

func tempRoot() -> String {
    let p = NSTemporaryDirectory() + "arroz-train-tests-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
}

let hashEncoder: (String) throws -> PromptEncoder = { _ in HashEncoder() }

@Suite struct TrainTests {
    @Test func resumeGivesTheIdenticalNextLoss() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cfg = tinyRun("a", root: root)
        // Uninterrupted: 4 steps.
        let a = try Trainer(config: cfg, run: RunDirectory(root: root, name: "a"), encoder: hashEncoder)
        var lossesA: [Float] = []
        for _ in 0..<4 { lossesA.append(try a.trainStep().loss) }
        // Interrupted after 2 steps, checkpointed, restored into a fresh trainer.
        let dir = RunDirectory(root: root, name: "b")
        try dir.create()
        let b = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        _ = try b.trainStep()
        _ = try b.trainStep()
        try b.save(to: dir.latestCheckpoint)
        let c = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        try c.restore(from: dir.latestCheckpoint)
        #expect(c.step == 2)
        let l3 = try c.trainStep().loss
        let l4 = try c.trainStep().loss
        #expect(l3 == lossesA[2], "step 3 after resume: \(l3) vs \(lossesA[2])")
        #expect(l4 == lossesA[3], "step 4 after resume: \(l4) vs \(lossesA[3])")
    }

    @Test func sessionWritesLogSamplesAndCheckpoint() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var cfg = tinyRun("s", root: root)
        cfg.sampleEvery = 3
        cfg.checkpointEvery = 3
        let dir = RunDirectory(root: root, name: "s")
        let s = try TrainingSession(config: cfg, run: dir, encoder: hashEncoder)
        var samples = 0, checkpoints = 0
        try s.run(untilStep: 3, onEvent: { e in
            if case .sample = e { samples += 1 }
            if case .checkpoint = e { checkpoints += 1 }
        })
        #expect(samples == 1 && checkpoints == 1)
        #expect(TrainLog.read(dir.logPath).map(\.step) == [1, 2, 3])
        #expect(dir.latestSample() != nil)
        // Reopening the directory continues from step 3.
        let again = try TrainingSession(resuming: dir, encoder: hashEncoder)
        #expect(again.step == 3)
        try again.run(untilStep: 4, onEvent: { _ in })
        #expect(TrainLog.read(dir.logPath).map(\.step) == [1, 2, 3, 4])
    }

    /// The studio preempts training steps to sample: the work done inside the hook must not change training.
    @Test func preemptedStepsGiveTheSameLosses() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        func losses(_ name: String, preempt: (() -> Void)?) throws -> [Float] {
            var cfg = tinyRun(name, root: root)
            cfg.sampleEvery = 100
            cfg.checkpointEvery = 100
            let s = try TrainingSession(config: cfg, run: RunDirectory(root: root, name: name), encoder: hashEncoder)
            var out: [Float] = []
            try s.run(untilStep: 3, preempt: preempt, onEvent: { e in if case .step(let st, _) = e { out.append(st.loss) } })
            return out
        }
        let plain = try losses("p", preempt: nil)
        var served = 0
        var other = ArrozRandom(seed: 1)
        let interrupted = try losses("q", preempt: {
            served += 1
            _ = (Tensor.randn([2, 3, 8, 8], rng: &other) * 2).silu().mean()  // a stand-in sampling step
        })
        #expect(served > 0, "the hook never ran inside a step")
        #expect(plain == interrupted, "preempted training changed the losses: \(plain) vs \(interrupted)")
    }

    @Test func nanLossStopsWithTheLastGoodCheckpoint() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        var cfg = tinyRun("n", root: root)
        cfg.optimizer.gradClip = nil
        let dir = RunDirectory(root: root, name: "n")
        try dir.create()
        let t = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        _ = try t.trainStep()
        try t.save(to: dir.latestCheckpoint)
        // Poison one weight: the next loss is NaN.
        t.model.namedParameters()[0].1.mutableData[0] = .nan
        do {
            _ = try t.trainStep()
            Issue.record("a NaN loss must throw")
        } catch let e as TrainError {
            #expect(e.description.contains("NaN") || e.description.contains("nan"))
            #expect(e.description.contains(dir.latestCheckpoint))
        }
        #expect(t.step == 1)
    }

    @Test func corruptCheckpointNamesTheFile() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cfg = tinyRun("c", root: root)
        let dir = RunDirectory(root: root, name: "c")
        try dir.create()
        try Data([1, 2, 3, 4, 5]).write(to: URL(fileURLWithPath: dir.latestCheckpoint))
        let t = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        do {
            try t.restore(from: dir.latestCheckpoint)
            Issue.record("a corrupt checkpoint must throw")
        } catch {
            #expect("\(error)".contains(dir.latestCheckpoint))
        }
        #expect(throws: (any Error).self) {
            _ = try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)
        }
    }

    @Test func missingDatasetAndBadSettingsFailClearly() throws {
        var cfg = tinyRun("m", root: tempRoot())
        cfg.data.dataset = "folder"
        cfg.data.path = "/nonexistent/arroz-images"
        do {
            _ = try Trainer(config: cfg, run: RunDirectory(path: "/tmp/x"), encoder: hashEncoder)
            Issue.record("a missing folder must throw")
        } catch {
            #expect("\(error)".contains("/nonexistent/arroz-images"))
        }
        var bad = tinyRun("b", root: tempRoot())
        bad.data.imageSize = 16
        #expect(throws: TrainError.self) { try bad.validate() }
        #expect(throws: TrainError.self) { _ = try Recipes.make("no-such-recipe") }
    }

    @Test func cosineDecayFollowsTheRunLength() throws {
        var o = OptimizerConfig()
        o.lr = 1e-3
        o.warmupSteps = 10
        // Runs written before `decay` existed decode as constant.
        let old = try JSONDecoder().decode(
            OptimizerConfig.self,
            from: Data(#"{"kind":"adamw","lr":0.001,"beta1":0.9,"beta2":0.999,"eps":1e-8,"weightDecay":0,"warmupSteps":10,"emaStart":0}"#.utf8))
        #expect(old.decay == nil)
        #expect(old.schedule(totalSteps: 100).lr(at: 99) == 1e-3)
        o.decay = .cosine
        let s = o.schedule(totalSteps: 110)
        #expect(s.lr(at: 5) == 5e-4)  // warmup
        #expect(abs(s.lr(at: 60) - (1e-5 + (1e-3 - 1e-5) * 0.5)) < 1e-9)  // halfway down, floor lr/100
        #expect(abs(s.lr(at: 110) - 1e-5) < 1e-9)
        var run = tinyRun("cos", root: tempRoot())
        run.optimizer.decay = .cosine
        run.optimizer.warmupSteps = 6
        try run.validate()  // a run no longer than its warmup (a smoke run of a cosine recipe) is fine
        #expect(run.optimizer.schedule(totalSteps: run.steps).lr(at: 6) == run.optimizer.lr)
        run.optimizer.warmupSteps = 0
        run.optimizer.minLR = 1
        #expect(throws: TrainError.self) { try run.validate() }  // floor above lr
        run.optimizer.minLR = nil
        try run.validate()
        let decoded = try JSONDecoder().decode(RunConfig.self, from: JSONEncoder().encode(run))
        #expect(decoded.optimizer.decay == .cosine)
    }

    @Test func everyRecipeValidates() throws {
        for name in Recipes.names {
            let c = try Recipes.make(name)
            try c.validate()
            #expect(c.name == name)
        }
    }

    @Test func conditionerDropsPerSampleOrPerBatch() throws {
        let c = Conditioner(encoder: HashEncoder())
        let cond = try c.condition(labels: [nil, nil, nil, nil], captions: ["a b", "c", "d e", "f"])
        #expect(cond.shape == [4, 6])
        var rng = ArrozRandom(seed: 1)
        let all = c.dropout(cond, p: 1, perBatch: false, rng: &rng)
        #expect(all.scalars.allSatisfy { $0 == 0 })
        let none = c.dropout(cond, p: 0, perBatch: true, rng: &rng)
        #expect(none.scalars == cond.scalars)
        // Per batch: either every row survives or none does.
        for _ in 0..<10 {
            let d = c.dropout(cond, p: 0.5, perBatch: true, rng: &rng)
            #expect(d.scalars == cond.scalars || d.scalars.allSatisfy { $0 == 0 })
        }
        let classes = Conditioner(classes: 11)
        #expect(try classes.condition(labels: [0, 9], captions: ["", ""]).scalars == [1, 10])
    }

    @Test func pipelineSamplesEveryCompatibleSampler() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for process in NoiseProcessKind.allCases {
            var cfg = tinyRun("g", root: root, process: process)
            if process == .keras {
                var k = KerasUNetConfig()
                k.imageSize = 8
                k.channels = 3
                k.widths = [8, 16]
                k.attentionLevels = [0, 1]
                k.numClasses = 0
                k.embeddingSize = 4
                k.textDimension = 6
                cfg.model = try GaussianSpec(network: .keras(k), process: .keras).spec
            }
            let t = try Trainer(config: cfg, run: RunDirectory(root: root, name: "g"), encoder: hashEncoder)
            let model = try t.samplingModel()
            for s in model.pipeline.samplers {
                var r = model.request(prompt: "a red circle", seed: 9)
                r.sampler = s
                r.steps = s == .keras ? 3 : 3
                r.count = 2
                let x = try model.generate([r])
                #expect(x?.shape == [2, 3, 8, 8], "\(process) \(s)")
                #expect(x?.scalars.allSatisfy { $0 >= -1 && $0 <= 1 } == true)
            }
        }
    }

    @Test func pngParametersRoundTripEveryField() throws {
        var r = GenerationRequest(
            promptA: "red apple", promptB: "green, \"apple\"", mix: 0.25, model: "runs/x, y/checkpoints/latest.safetensors",
            sampler: .eulerAncestral, steps: 20, cfg: 4.5, seed: 42, size: 32, eta: 0.3)
        r.mixMode = .linear
        r.noiseMix = 0.125
        r.noiseSeedB = 7
        r.count = 3
        r.frames = 5
        r.initImage = "in, \"quoted\".png"
        r.strength = 0.7
        r.invert = false
        r.modelHash = "0123456789ab"
        let back = try GenerationRequest(parametersText: r.parametersText, source: "x.png")
        #expect(back == r)
        #expect(throws: ParametersError.self) {
            _ = try GenerationRequest(parametersText: "Steps: 20, Sampler: Euler", source: "x.png")
        }
        // fp32 is not written (older PNGs read as fp32); bf16 is, and comes back where it can run.
        #expect(!r.parametersText.contains("Precision"))
        r.precision = .bf16
        #expect(r.parametersText.contains("Precision: bf16"))
        if Precision.bf16Available {
            #expect(try GenerationRequest(parametersText: r.parametersText, source: "x.png") == r)
        } else {
            #expect(throws: ParametersError.self) { try GenerationRequest(parametersText: r.parametersText, source: "x.png") }
        }
        let bogus = r.parametersText.replacingOccurrences(of: "Precision: bf16", with: "Precision: fp8")
        #expect(throws: ParametersError.self) { try GenerationRequest(parametersText: bogus, source: "x.png") }
    }
}

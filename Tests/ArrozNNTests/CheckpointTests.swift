// CheckpointTests: bundle round trip (weights, EMA, optimizer, RNG, metadata), identical resume, atomic,
// and the errors for non-checkpoints, newer formats and mismatched sections.
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

private struct TinyConfig: Codable, Equatable {
    var width = 4
    var name = "tiny \"mlp\""
}

private func tinyModel(seed: UInt64) -> Sequential {
    var rng = ArrozRandom(seed: seed)
    return Sequential(Linear(3, 4, rng: &rng), Lambda("tanh") { $0 * 0.5 }, Linear(4, 2, rng: &rng))
}

/// One AdamW step on a fixed batch; returns the loss before the step.
private func trainStep(_ model: Sequential, _ opt: AdamW, _ ema: EMA, step: Int) -> Float {
    let x = Tensor((0..<12).map { Float($0) / 6 - 1 }, shape: [4, 3])
    let y = Tensor((0..<8).map { sin(Float($0)) }, shape: [4, 2])
    opt.zeroGrad()
    let d = model(x) - y
    let loss = (d * d).mean()
    loss.backward()
    clipGradNorm(opt, maxNorm: 1)
    opt.step()
    ema.update(model, step: step)
    return loss.item
}

@Suite struct CheckpointTests {
    @Test func roundTripResumesIdentically() throws {
        let dir = makeTemporaryDirectory("ckpt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/step3.safetensors"

        let model = tinyModel(seed: 1)
        let opt = AdamW(model, lr: 1e-2)
        let ema = EMA(model, decay: 0.9, startStep: 1)
        var rng = ArrozRandom(seed: 77)
        for step in 0..<3 { _ = trainStep(model, opt, ema, step: step) }
        _ = rng.next()
        try Checkpoint.save(
            to: path, model: model, family: "prior", config: TinyConfig(), step: 3, ema: ema,
            optimizers: ["": opt], rngs: ["default": rng], trainState: #"{"epoch":1}"#)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["step3.safetensors"])
        // ARROZ_WRITE_FIXTURES=1 refreshes the copy that fixtures_nn.py opens with Python's safetensors.
        if ProcessInfo.processInfo.environment["ARROZ_WRITE_FIXTURES"] == "1" {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
            try? FileManager.default.removeItem(atPath: source + "/Fixtures/swift_checkpoint.safetensors")
            try FileManager.default.copyItem(
                atPath: path, toPath: source + "/Fixtures/swift_checkpoint.safetensors")
        }

        let ck = try CheckpointFile(path: path)
        #expect(ck.format == 1 && ck.family == "prior" && ck.step == 3 && ck.trainState == #"{"epoch":1}"#)
        #expect(try ck.config(as: TinyConfig.self) == TinyConfig())
        #expect(ck.file.metadata["arroz.format"] == "1")
        #expect(ck.file.contains("0.weight") && ck.file.contains("ema.2.bias"))
        #expect(ck.file.contains("optim.0.weight.exp_avg") && ck.file.contains("optim.2.bias.exp_avg_sq"))

        let model2 = tinyModel(seed: 2)
        let opt2 = AdamW(model2, lr: 1e-2)
        let ema2 = EMA(model2, decay: 0.9, startStep: 1)
        try ck.restore(model: model2)
        try ck.restore(ema: ema2)
        try ck.restore(optimizer: opt2)
        var rng2 = try ck.rng()
        for ((n, a), (_, b)) in zip(model.namedParameters(), model2.namedParameters()) {
            #expect(a.scalars == b.scalars, "model \(n)")
        }
        for (a, b) in zip(ema.shadow, ema2.shadow) {
            #expect(a.tensor.scalars == b.tensor.scalars, "ema \(a.name)")
        }
        for (a, b) in zip(opt.states, opt2.states) {
            #expect(a.step == 3 && b.step == 3)
            #expect(a.expAvg.scalars == b.expAvg.scalars && a.expAvgSq.scalars == b.expAvgSq.scalars)
        }
        #expect(rng.next() == rng2.next())

        // Resume: the next steps give bit-identical losses and weights.
        for step in 3..<5 {
            let l1 = trainStep(model, opt, ema, step: step), l2 = trainStep(model2, opt2, ema2, step: step)
            #expect(l1 == l2, "loss at step \(step)")
        }
        #expect(
            model.layers[0].namedParameters()[0].1.scalars == model2.layers[0].namedParameters()[0].1.scalars)

        // The EMA section also loads straight into a model for sampling.
        let sampler = tinyModel(seed: 3)
        try ck.restoreEMA(into: sampler)
        #expect(sampler.namedParameters()[0].1.scalars == (try ck.file.tensor("ema.0.weight")).scalars)
    }

    @Test func labelledOptimizersKeepSeparateSections() throws {
        let dir = makeTemporaryDirectory("gan")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let g = tinyModel(seed: 1), d = tinyModel(seed: 2)
        let both = Sequential(g, d)
        let optG = AdamW(g), optD = Adam(d, lr: 4e-5)
        for o in [optG, optD] as [AdamFamilyOptimizer] {
            for p in o.parameters { p.tensor.grad = Tensor.ones(p.tensor.shape) }
            o.step()
        }
        try Checkpoint.save(
            to: dir + "/gan.safetensors", model: both, family: "ddg", config: "{}", step: 1,
            optimizers: ["": optG, "disc": optD])
        let ck = try CheckpointFile(path: dir + "/gan.safetensors")
        let g2 = AdamW(tinyModel(seed: 5)), d2 = Adam(tinyModel(seed: 6))
        try ck.restore(optimizer: g2)
        try ck.restore(optimizer: d2, label: "disc")
        #expect(g2.states[0].expAvg.scalars == optG.states[0].expAvg.scalars && d2.states[3].step == 1)
        #expect(d2.states[0].expAvgSq.scalars == optD.states[0].expAvgSq.scalars)
        let wrong = AdamW(tinyModel(seed: 7))
        #expect(
            throws: CheckpointError.optimizerMismatch(
                file: ck.path, label: "disc", expected: "adamw", found: "adam")
        ) {
            try ck.restore(optimizer: wrong, label: "disc")
        }
    }

    @Test func clearErrorsForWrongFiles() throws {
        let dir = makeTemporaryDirectory("ckerr")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = tinyModel(seed: 1)
        try model.saveSafeTensors(to: dir + "/bare.safetensors")
        #expect(throws: CheckpointError.notACheckpoint(file: dir + "/bare.safetensors")) {
            _ = try CheckpointFile(path: dir + "/bare.safetensors")
        }
        try model.saveSafeTensors(
            to: dir + "/future.safetensors",
            metadata: ["arroz.format": "2", "arroz.family": "x", "arroz.config": "{}", "arroz.step": "0"])
        do {
            _ = try CheckpointFile(path: dir + "/future.safetensors")
            Issue.record("format 2 opened")
        } catch let e as CheckpointError {
            #expect(e == .newerFormat(file: dir + "/future.safetensors", found: 2, supported: 1))
            #expect(
                e.description.contains("future.safetensors") && e.description.contains("update arroz-studio"))
        }
        try Checkpoint.save(to: dir + "/plain.safetensors", model: model, family: "x", config: "{}", step: 0)
        let ck = try CheckpointFile(path: dir + "/plain.safetensors")
        #expect(throws: CheckpointError.missingSection(file: ck.path, section: "EMA weights")) {
            try ck.restore(ema: EMA(model))
        }
        #expect(throws: CheckpointError.missingSection(file: ck.path, section: "optimizer state")) {
            try ck.restore(optimizer: AdamW(model))
        }
        #expect(throws: CheckpointError.missingSection(file: ck.path, section: "rng 'default'")) {
            _ = try ck.rng()
        }
        // A model of another shape: the safetensors shape error names the tensor.
        var rng = ArrozRandom(seed: 0)
        let other = Sequential(Linear(3, 5, rng: &rng), Lambda("id") { $0 }, Linear(5, 2, rng: &rng))
        #expect(
            throws: SafeTensorsError.shapeMismatch(
                file: ck.path, tensor: "0.weight", expected: [5, 3], found: [4, 3])
        ) {
            try ck.restore(model: other)
        }
    }

    @Test func atomicWriteLeavesNoTemporaryFile() throws {
        let dir = makeTemporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/ck.safetensors"
        try Checkpoint.save(to: path, model: tinyModel(seed: 1), family: "x", config: "{}", step: 1)
        let before = FileManager.default.contents(atPath: path)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try AtomicFile.write(to: path) { w in
                try w.write([1, 2, 3])
                throw Boom()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["ck.safetensors"])
        #expect(FileManager.default.contents(atPath: path) == before)
        // A failing write into a missing directory throws a named error and creates nothing.
        #expect(throws: SafeTensorsError.self) {
            try Checkpoint.save(
                to: dir + "/missing/ck.safetensors", model: tinyModel(seed: 1), family: "x",
                config: "{}", step: 1)
        }
    }

    @Test func committedFormat1CheckpointStillOpens() throws {
        // Written by roundTripResumesIdentically with ARROZ_WRITE_FIXTURES=1; fixtures_nn.py loads it in Python
        // (load_state_dict into nn.Sequential(Linear(3, 4), Tanh(), Linear(4, 2))).
        let ck = try CheckpointFile(path: NNFixtures.path("swift_checkpoint.safetensors"))
        #expect(ck.format == 1 && ck.family == "prior" && ck.step == 3)
        let model = tinyModel(seed: 9)
        try ck.restore(model: model)
        let ema = EMA(model, decay: 0.9, startStep: 1)
        try ck.restore(ema: ema)
        let opt = AdamW(model)
        try ck.restore(optimizer: opt)
        #expect(opt.states.allSatisfy { $0.step == 3 } && ck.hasEMA)
        #expect(try ck.rng().state.count == 4)
    }
}

// VQFamilyTests: the VQ autoencoder family on tiny shapes runs — both flavours' losses fall on one repeated batch,
// resume is exact, the checkpoint's latent2rgb is LatentToRGB.fit of the recent images, no sampling.
import ArrozModels
import ArrozNN
import ArrozImage
import ArrozTensor
import ArrozTestSupport
import ArrozTrain
import Foundation
import Testing

func tinyVQRun(_ name: String, flavour: VQFlavour = .arroz) -> RunConfig {
    var spec = VQSpec(flavour: flavour)
    switch flavour {
    case .arroz:
        var a = ArrozVQConfig()
        (a.levels, a.hidden, a.bottleneckBlocks, a.latentChannels, a.codebookSize) = (1, 8, 1, 4, 16)
        a.quantizer.deadCodeThreshold = 0.5
        spec.arroz = a
    case .paella:
        var p = PaellaVQConfig()
        (p.levels, p.hidden, p.bottleneckBlocks, p.latentChannels, p.codebookSize) = (1, 8, 1, 4, 16)
        p.quantizer.deadCodeThreshold = 1
        spec.paella = p
    }
    spec.previewFitImages = 4
    var c = RunConfig(name: name, recipe: "test", model: try! spec.spec)
    shapesData(&c, size: 8, limit: 64, dropout: 0, steps: 6)
    c.optimizer.lr = 3e-3
    c.optimizer.weightDecay = 0
    c.optimizer.gradClip = 1
    return c
}

func makeTestObjective(_ run: RunConfig) throws -> any TrainingObjective {
    try run.validate()
    return try run.model.owner().makeObjective(
        run, context: ObjectiveContext(classNames: nil, encoder: hashEncoder, initRNG: ArrozRandom(seed: run.seed)))
}

func shapesBatch(_ n: Int = 4, size: Int = 8) throws -> TrainingBatch {
    let d = try Datasets.make({ var c = DataConfig(); c.dataset = "shapes"; c.imageSize = size; c.channels = 3; return c }())
    let ex = try (0..<n).map { try d.loadExample($0) }
    return TrainingBatch(images: RGBImage.batch(ex.map(\.image), channels: 3), captions: ex.map(\.caption),
                         labels: ex.map { _ in nil })
}

@Suite struct VQFamilyTests {
    @Test(arguments: [VQFlavour.arroz, .paella]) func lossFallsOnOneRepeatedBatch(_ flavour: VQFlavour) throws {
        let obj = try makeTestObjective(tinyVQRun("vq", flavour: flavour))
        let batch = try shapesBatch()
        var rng = ArrozRandom(seed: 3)
        var losses: [Float] = []
        var last = ObjectiveStep(loss: 0, gradNorm: 0)
        var firstPSNR: Float = 0
        for s in 0..<30 {
            last = try obj.step(batch, lr: 3e-3, step: s, rng: &rng)
            losses.append(last.loss)
            if s == 0 { firstPSNR = last.fields["psnr"] ?? 0 }
        }
        let first: Float = losses.prefix(3).reduce(0, +), end: Float = losses.suffix(3).reduce(0, +)
        #expect(end < 0.6 * first, "\(flavour): \(losses)")
        for f in ["psnr", "codebook_usage", "perplexity"] { #expect(last.fields[f] != nil, "missing \(f)") }
        let usage: Float = last.fields["codebook_usage"] ?? 0, db: Float = last.fields["psnr"] ?? 0
        #expect(usage > 0 && usage <= 1)
        #expect(db > firstPSNR + 1, "psnr \(firstPSNR) → \(db)")
    }

    @Test func resumeGivesTheIdenticalNextLoss() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cfg = tinyVQRun("a")
        let a = try Trainer(config: cfg, run: RunDirectory(root: root, name: "a"), encoder: hashEncoder)
        var lossesA: [Float] = []
        for _ in 0..<4 { lossesA.append(try a.trainStep().loss) }
        let dir = RunDirectory(root: root, name: "b")
        try dir.create()
        let b = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        _ = try b.trainStep()
        _ = try b.trainStep()
        try b.save(to: dir.latestCheckpoint)
        let c = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        try c.restore(from: dir.latestCheckpoint)
        #expect(try c.trainStep().loss == lossesA[2])
        #expect(try c.trainStep().loss == lossesA[3])
    }

    @Test func storedLatentToRGBIsTheFitOfTheRecentImages() throws {
        var cfg = tinyVQRun("p")
        cfg.checkpointEvery = 3  // step index 2 refits
        let obj = try makeTestObjective(cfg)
        let batch = try shapesBatch()
        var rng = ArrozRandom(seed: 3)
        for s in 0..<3 { _ = try obj.step(batch, lr: 3e-3, step: s, rng: &rng) }
        let tree = try #require(obj.weights as? VQCheckpointTree)
        tree.eval()
        let (z, idx) = withNoGrad { () -> (Tensor, Tensor) in
            let e = tree.network.encode((batch.images + 1) * 0.5)
            return (e.quantized.detached(), e.indices)
        }
        let fit = LatentToRGB.fit(latents: z, images: batch.images)
        #expect(tree.latentToRGB == fit)
        #expect(tree.codeToRGB == CodeToRGB.fit(indices: idx, images: batch.images, codebookSize: 16))
        #expect(fit.weight.contains { $0 != 0 })
        // and it survives the checkpoint under its own names
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/vq.safetensors"
        try Checkpoint.save(to: path, model: tree, family: "vq", config: cfg.model.text, step: 3, ema: nil,
                            optimizers: [:], rngs: [:], trainState: nil)
        let names = tree.namedParameters().map(\.0)
        #expect(names.contains("latent2rgb.weight") && names.contains("latent2rgb.bias") && names.contains("code2rgb"))
        #expect(Set(names).count == names.count)
        let back = try VQFamily.openAutoencoder(path)
        #expect(back.latentToRGB == fit)
    }

    @Test func autoencodersDoNotSample() throws {
        let spec = tinyVQRun("x").model
        #expect(VQFamily.generates(spec) == false)
        #expect(throws: TrainError.self) { try makeTestObjective(tinyVQRun("x")).pipeline() }
        #expect(Recipes.names.contains("emoji-vq") && Recipes.names.contains("fashion-vq") && Recipes.names.contains("emoji-vq64"))
        for r in ["emoji-vq", "emoji-vq64", "fashion-vq", "emoji-vq-paella"] {
            let c = try Recipes.make(r, runName: r)
            try VQFamily.validate(c)
        }
    }
}

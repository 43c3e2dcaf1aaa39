// ContrastiveFamilyTests: the image encoder family on a tiny shapes run against the hash text encoder — the
// InfoNCE loss falls on one repeated batch, resume is exact; eval prompts' ranking on a hand-made example.
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import ArrozTrain
import Foundation
import Testing

func tinyClipRun(_ name: String) -> RunConfig {
    var e = ImageEncoderConfig()
    (e.imageSize, e.widths, e.blocksPerStage, e.embeddingDimension) = (8, [8, 16], 1, 6)
    var c = RunConfig(name: name, recipe: "test", model: try! ContrastiveSpec(encoder: e).spec)
    shapesData(&c, size: 8, limit: 64, dropout: 0, steps: 6)
    c.optimizer.lr = 3e-3
    c.optimizer.gradClip = 1
    return c
}

@Suite struct ContrastiveFamilyTests {
    @Test func lossFallsOnOneRepeatedBatch() throws {
        let obj = try makeTestObjective(tinyClipRun("c"))
        var batch = try shapesBatch(8)
        // distinct captions so each image has one matching text
        batch.captions = ["red circle", "blue square", "green triangle", "yellow circle", "white square",
                          "black triangle", "purple circle", "orange square"]
        var rng = ArrozRandom(seed: 1)
        var losses: [Float] = []
        var last = ObjectiveStep(loss: 0, gradNorm: 0)
        for s in 0..<40 {
            last = try obj.step(batch, lr: 3e-3, step: s, rng: &rng)
            losses.append(last.loss)
        }
        let first: Float = losses.prefix(3).reduce(0, +), end: Float = losses.suffix(3).reduce(0, +)
        #expect(end < 0.7 * first, "\(losses)")
        #expect(last.fields["top1"] != nil && last.fields["top5"] != nil)
        #expect(ContrastiveFamily.generates(tinyClipRun("c").model) == false)
    }

    @Test func resumeGivesTheIdenticalNextLoss() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cfg = tinyClipRun("a")
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
        let (enc, text) = try ContrastiveFamily.openEncoder(dir.latestCheckpoint)
        #expect(enc.config.embeddingDimension == 6 && text == "minilm")
    }

    @Test func promptRankingOnAHandMadeExample() {
        // three prompts along the axes; sample 0 is prompt 0, sample 1 sits nearer prompt 2 than its own prompt 1,
        // sample 2 ties its own prompt 2 with prompt 0 (a tie counts against it)
        let texts = Tensor([1, 0, 0, 0, 1, 0, 0, 0, 1], shape: [3, 3])
        let s = Float(0.5).squareRoot()
        let images = Tensor([1, 0, 0, 0, 0.6, 0.8, s, 0, s], shape: [3, 3])
        let ranks = PromptRanking.ranks(images: images, texts: texts, targets: [0, 1, 2])
        #expect(ranks == [0, 1, 1])
        let (t1, t5) = PromptRanking.topK(ranks)
        let third: Double = 1.0 / 3
        #expect(abs(t1 - third) < 1e-12)
        #expect(t5 == 1)
        #expect(Recipes.names.contains("emoji-clip"))
    }
}

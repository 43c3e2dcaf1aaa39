// TinyModels: small frozen networks and run configs that train in a few steps — a Paella / DDG run on a tiny VQ
// (16² shapes → 4² tokens, K 16) and the latent family's VQ + image encoder — shared by the family tests and the
// studio's seed-edit tests.
import ArrozDiffusion
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTrain
import Foundation

public enum TinyModels {
    /// A fresh folder under the temporary directory.
    public static func tempRoot() -> String {
        let p = NSTemporaryDirectory() + "arroz-tiny-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }
}

/// A tiny Arroz VQ (f 4, K 16, 4 latent channels) saved as a checkpoint with `code2rgb` and `latent2rgb.*`.
public func tinyVQCheckpoint(_ root: String) throws -> (path: String, table: [Float]) {
    var c = ArrozVQConfig.tiny32
    (c.hidden, c.bottleneckBlocks, c.codebookSize) = (16, 1, 16)
    var rng = ArrozRandom(seed: 7)
    let vq = ArrozVQModel(c, rng: &rng)
    var w = SafeTensorsWriter()
    for (n, t) in vq.namedParameters() { w.add(n, t) }
    let table = (0..<(16 * 3)).map { Float(($0 * 7) % 16) / 15 }  // distinct mean colours in [0, 1]
    w.add("code2rgb", Tensor(table, shape: [16, 3]))
    w.add("latent2rgb.weight", Tensor((0..<12).map { Float($0 % 5) * 0.1 - 0.2 }, shape: [3, 4]))
    w.add("latent2rgb.bias", Tensor([0.5, 0.4, 0.6]))
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys]
    w.metadata = [
        "arroz.format": "1", "arroz.family": "vq", "arroz.step": "0",
        "arroz.config": String(decoding: try enc.encode(c), as: UTF8.self),
    ]
    let path = root + "/vq.safetensors"
    try w.write(to: path)
    return (path, table)
}

public func tinyPaellaRun(_ vq: String, name: String = "p") throws -> RunConfig {
    var p = PaellaConfig()
    (p.cIn, p.cOut, p.numLabels, p.cR, p.patchSize, p.cCond) = (8, 8, 16, 8, 1, 8)
    (p.cHidden, p.nhead, p.blocks, p.levelConfig) = ([8, 16], [-1, 2], [1, 1], ["CT", "CTA"])
    (p.clipEmbd, p.byt5Embd, p.clipSeqLen, p.dropout) = (6, 6, 1, [0, 0])
    var c = RunConfig(name: name, recipe: "test", model: try PaellaSpec(v3: p, autoencoder: AutoencoderRef(path: vq), imageSize: 16).spec)
    tinyData(&c)
    c.conditioning.perBatch = true
    c.sampling = SamplingDefaults(sampler: .paella, steps: 4, cfg: 2)
    return c
}

public func tinyDDGRun(_ vq: String, warmup: Int) throws -> RunConfig {
    var g = DDGConfig()
    (g.imageChannels, g.nChannels, g.chMults, g.isAttn, g.nBlocks) = (4, 16, [1, 2], [0, 1], 1)
    (g.zDim, g.nZChannels, g.nCloobChannels, g.cloobDim, g.nGroups) = (4, 8, 8, 6, 4)
    var s = DDGSpec(generator: g, autoencoder: AutoencoderRef(path: vq), imageSize: 16)
    s.warmupSteps = warmup
    s.r1Every = 2
    var c = RunConfig(name: "g", recipe: "test", model: try s.spec)
    tinyData(&c)
    c.conditioning.perBatch = false
    c.optimizer.lr = 2e-3
    c.sampling = SamplingDefaults(sampler: .ddg, steps: 4, cfg: 2)
    return c
}

/// A tiny run's data and schedule: the first `limit` RGB shapes at `size`², with their captions as text
/// conditioning (dropped at rate `dropout`), batches of 4, `steps` steps when given, and no samples or
/// checkpoints on the way (every 1000 steps).
public func shapesData(_ c: inout RunConfig, size: Int, limit: Int, dropout: Float, steps: Int? = nil) {
    c.data.dataset = "shapes"
    c.data.imageSize = size
    c.data.channels = 3
    c.data.limit = limit
    c.conditioning.kind = .text
    c.conditioning.dropout = dropout
    c.batchSize = 4
    if let steps { c.steps = steps }
    c.sampleEvery = 1000
    c.checkpointEvery = 1000
}

public func tinyData(_ c: inout RunConfig) {
    shapesData(&c, size: 16, limit: 32, dropout: 0.1)
    c.logEvery = 1
    c.optimizer.kind = .adamw
    c.optimizer.lr = 3e-3
    c.optimizer.warmupSteps = 0
    c.optimizer.gradClip = 1
    c.optimizer.emaDecay = 0.9
    c.optimizer.emaStart = 2
    c.previewPrompts = ["a red circle"]
}

/// Frozen networks for one test: a 16² → 4²×4 VQ (with a known latent2rgb) and a 6-d image encoder (= the
/// HashEncoder's width, so text rows and image rows share a width as MiniLM and emoji-clip do).
public struct LatentFixture {
    public let root: String
    public let vqPath: String
    public let encoderPath: String
    public let latent2rgb = LatentToRGB(
        weight: [0.5, -0.25, 0.125, 0.0, 0.1, 0.2, -0.3, 0.4, -0.6, 0.0, 0.3, 0.2], bias: [0.05, -0.1, 0.2])

    /// Saves the networks under `root` (a fresh temporary folder by default).
    public init(root: String = TinyModels.tempRoot()) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        vqPath = root + "/vq.safetensors"
        encoderPath = root + "/clip.safetensors"
        var rng = ArrozRandom(seed: 11)
        var v = ArrozVQConfig()
        (v.levels, v.hidden, v.bottleneckBlocks, v.latentChannels, v.codebookSize) = (2, 8, 1, 4, 16)
        let vq = ArrozVQModel(v, rng: &rng)
        // The codebook as a trained one would be: spread out, so nearest codes differ between latents.
        let cb = vq.quantizer.codebook.mutableData
        for i in 0..<cb.count { cb[i] = rng.normal() }
        try Checkpoint.save(to: vqPath, model: VQWithPreview(vq: vq, map: latent2rgb), family: "vq", config: v, step: 0)
        var e = ImageEncoderConfig()
        (e.imageSize, e.widths, e.embeddingDimension) = (16, [8, 16], 6)
        try Checkpoint.save(to: encoderPath, model: ImageEncoder(e, rng: &rng), family: "contrastive", config: e, step: 0)
    }

    public func latentRun(_ name: String, encoder: Bool = true, prior: String? = nil) -> RunConfig {
        var g = ArrozConfig()
        (g.inChannels, g.imageSize, g.hidden, g.rEmbedding, g.conditionDimension) = (4, 4, 16, 4, 6)
        (g.downLevels, g.upLevels) = ([1, 1], [1, 1])
        let spec = LatentSpec(generator: g, autoencoder: vqPath, imageEncoder: encoder ? encoderPath : nil, prior: prior)
        var c = RunConfig(name: name, recipe: "test", model: try! spec.spec)
        shapesData(&c, size: 16, limit: 64, dropout: 0.1, steps: 6)
        c.conditioning.perBatch = true
        c.logEvery = 1
        c.optimizer.lr = 2e-3
        c.optimizer.emaDecay = 0.9
        c.optimizer.emaStart = 2
        c.sampling = SamplingDefaults(sampler: .ddim, steps: 3, cfg: 2)
        c.previewPrompts = ["a red circle", "a blue square"]
        return c
    }

    public func priorRun(_ name: String) -> RunConfig {
        var p = ArrozPriorConfig.tiny(embedding: 6)
        (p.hidden, p.rEmbedding, p.blocks) = (16, 4, 2)
        var spec = PriorSpec(prior: p, imageEncoder: encoderPath)
        spec.samplingSteps = 5
        var c = latentRun(name)
        c.model = try! spec.spec
        c.conditioning.perBatch = false
        return c
    }
}

/// A VQ plus a latent2rgb map under the names the VQ family stores them (`latent2rgb.weight` / `.bias`).
public final class VQWithPreview: Layer {
    public let vq: ArrozVQModel
    public let weight: Tensor, bias: Tensor
    public var isTraining = false
    public init(vq: ArrozVQModel, map: LatentToRGB) {
        self.vq = vq
        weight = Tensor(map.weight, shape: [3, map.channels])
        bias = Tensor(map.bias, shape: [3])
    }
    public func visitOwnTensors(_ visit: (String, Tensor) -> Void) {
        visit("latent2rgb.weight", weight)
        visit("latent2rgb.bias", bias)
    }
    public func visitChildren(_ visit: (String, any Layer) -> Void) { visit("vq", vq) }
}


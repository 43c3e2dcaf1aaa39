// LatentFamilyTests: the latent and prior families on tiny frozen networks built here (a VQ autoencoder and an
// image encoder saved with Checkpoint.save) — the objective learns, resume is exact, the pipeline previews
// latent2rgb(x̂₀) and decodes quantise(x₀), the prior chain's rows have the generator's width, and a PNG of the
// full text → prior → generator → decoder chain reproduces pixel for pixel.
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTestSupport
@testable import ArrozTrain
import Foundation
import Testing

@Suite struct LatentFamilyTests {
    @Test func lossFallsOnARepeatedBatch() throws {
        let f = try LatentFixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let run = f.latentRun("l")
        let obj = try LatentFamily.makeObjective(
            run, context: ObjectiveContext(classNames: nil, encoder: hashEncoder, initRNG: ArrozRandom(seed: 3)))
        var data = ArrozRandom(seed: 5)
        let images = Tensor.uniform([4, 3, 16, 16], low: -1, high: 1, rng: &data)
        let batch = TrainingBatch(images: images, captions: ["a", "b", "c", "d"], labels: [nil, nil, nil, nil])
        var losses: [Float] = []
        for s in 0..<25 {
            var rng = ArrozRandom(seed: 42)  // the same noise, levels and dropout draw every step
            losses.append(try obj.step(batch, lr: 2e-3, step: s, rng: &rng).loss)
        }
        #expect(losses.last! < 0.7 * losses.first!, "latent loss did not fall: \(losses)")
    }

    @Test func resumeIsExact() throws {
        let f = try LatentFixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let cfg = f.latentRun("a")
        let a = try Trainer(config: cfg, run: RunDirectory(root: f.root, name: "a"), encoder: hashEncoder)
        var la: [Float] = []
        for _ in 0..<4 { la.append(try a.trainStep().loss) }
        let dir = RunDirectory(root: f.root, name: "b")
        try dir.create()
        let b = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        _ = try b.trainStep()
        _ = try b.trainStep()
        try b.save(to: dir.latestCheckpoint)
        let c = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        try c.restore(from: dir.latestCheckpoint)
        #expect([try c.trainStep().loss, try c.trainStep().loss] == Array(la[2...]))
    }

    @Test func previewsAreLatentToRGBOfX0AndTheImageIsDecodedCodes() throws {
        let f = try LatentFixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let cfg = f.latentRun("p")
        let dir = RunDirectory(root: f.root, name: "p")
        try dir.create()
        let t = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        for _ in 0..<2 { _ = try t.trainStep() }
        try t.save(to: dir.latestCheckpoint)
        let model = try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)
        let pipe = try #require(model.pipeline as? LatentPipeline)
        #expect(pipe.outputShape.channels == 3 && pipe.outputShape.size == 16 && pipe.noiseShape == [4, 4, 4])
        #expect(pipe.capabilities.contains(.variations) && pipe.capabilities.contains(.inversion))
        let r = model.request(prompt: "a red circle", seed: 9)
        let plan = try GenerationPlanner.plan([r], model: model)
        var previews: [Tensor] = []
        let controls = SamplerControls(guidanceScale: r.cfg)
        let out = try #require(try pipe.run(plan, controls: controls, onStep: { previews.append($0.preview); return true }))
        // The same run by hand: DDIM over the generator, x̂₀ at every step.
        let sampler = try makeSampler(plan.sampler, process: Diffuzz())
        var rng = GaussianPipeline.samplerRNG(plan)
        var x0s: [Tensor] = []
        let z = try #require(sampler.sample(
            pipe.guidedDenoiser(cond: plan.cond, controls: controls), from: plan.noise, rng: &rng,
            onStep: { x0s.append($0.x0); return true }))
        #expect(previews.count == 3 && x0s.count == 3)
        for (p, x0) in zip(previews, x0s) {
            // latent2rgb by hand: rgb_k = Σ_c W[k,c]·z_c + b_k at every latent pixel, then 4× nearest.
            let (N, C, h, w) = x0.shape4
            #expect(p.shape == [N, 3, 16, 16])
            for k in 0..<3 {
                for y in 0..<16 {
                    for xx in 0..<16 {
                        var v = f.latent2rgb.bias[k]
                        for c in 0..<C { v += f.latent2rgb.weight[k * C + c] * x0.data[(c * h + y / 4) * w + xx / 4] }
                        #expect(abs(p.data[(k * 16 + y) * 16 + xx] - v) < 1e-5)
                    }
                }
            }
        }
        // Final image: nearest codebook rows of x₀, decoded, clamped to [0, 1], mapped to [−1, 1].
        let vq = pipe.vq
        let codes = nearestCodes(z.sample.permuted([0, 2, 3, 1]).reshaped([16, 4]), codebook: vq.quantizer.codebook)
        let q = vq.quantizer.lookup(Tensor(codes.map(Float.init), shape: [1, 4, 4]), channelsAxis1: true)
        let expected = withNoGrad { vq.decode(q).clamp(min: 0, max: 1) * 2 - 1 }
        #expect(out.shape == [1, 3, 16, 16])
        #expect(zip(out.data, expected.data).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func priorChainGivesImageEmbeddingsOfTheGeneratorsWidth() throws {
        let f = try LatentFixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let priorPath = try trainPrior(f)
        let chain = try PriorChain.open(priorPath)
        let text = try HashEncoder().encode(["a red circle", "a blue square"]).pooled
        let a = try chain.sample(text: text, seed: 1), b = try chain.sample(text: text, seed: 1)
        #expect(a.shape == [2, 6] && Array(a.data) == Array(b.data))
        for i in 0..<2 {
            let n = (0..<6).map { a.data[i * 6 + $0] * a.data[i * 6 + $0] }.reduce(0, +)
            #expect(abs(n - 1) < 1e-4)
        }
        // In the latent pipeline: text rows in, image rows of the generator's width out (not the text itself).
        let cfg = f.latentRun("g", prior: priorPath)
        let dir = RunDirectory(root: f.root, name: "g")
        try dir.create()
        try Trainer(config: cfg, run: dir, encoder: hashEncoder).save(to: dir.latestCheckpoint)
        let model = try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)
        let pipe = try #require(model.pipeline as? LatentPipeline)
        #expect(pipe.prior != nil && pipe.conditioning == .embedding(6))
        let plan = try GenerationPlanner.plan([model.request(prompt: "a red circle", seed: 4)], model: model)
        let cond = try pipe.imageEmbeddings(plan)
        #expect(cond.shape == [1, 6] && Array(cond.data) != Array(plan.cond.data))
        #expect(PriorFamily.generates(try PriorSpec(prior: .tiny(embedding: 6), imageEncoder: "x").spec) == false)
    }

    @Test func fullChainPNGReproducesPixelForPixel() throws {
        let f = try LatentFixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let priorPath = try trainPrior(f)
        let cfg = f.latentRun("full", prior: priorPath)
        let dir = RunDirectory(root: f.root, name: "full")
        try dir.create()
        let t = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        for _ in 0..<2 { _ = try t.trainStep() }
        try t.save(to: dir.latestCheckpoint)
        let model = try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)
        var r = model.request(prompt: "a red circle", seed: 21)
        r.promptB = "a blue square"
        r.mix = 0.5
        let sheet = try #require(try Reproduce.render(r, model: model))
        let png = f.root + "/full.png"
        try savePNG(sheet, png, text: ["parameters": r.parametersText])
        let again = try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)
        let back = try Reproduce.request(fromPNG: png)
        #expect(back == r)
        let redrawn = try #require(try Reproduce.render(back, model: again))
        #expect(redrawn == (try loadPNG(png)), "the full chain's PNG did not reproduce")
        // Variations of that PNG: image rows (no prior), recorded in the PNG parameters and reproduced too.
        var v = model.request(prompt: "", seed: 3)
        v.variationsOf = png
        let vs = try #require(try Reproduce.render(v, model: model))
        let vpng = f.root + "/var.png"
        try savePNG(vs, vpng, text: ["parameters": v.parametersText])
        let vb = try Reproduce.request(fromPNG: vpng)
        #expect(vb.variationsOf == png)
        #expect(try #require(try Reproduce.render(vb, model: again)) == vs)
        let plan = try GenerationPlanner.plan([v], model: model)
        #expect(plan.imageConditioned && plan.cond.shape == [1, 6])
    }

    /// `interpolate`: the planner mixes the TEXT rows, the prior maps each mixed row; the strip's ends are the two
    /// prompts' own images (same seed), and the middle frame's image embedding is neither end's.
    @Test func interpolationMixesTextBeforeThePrior() throws {
        let f = try LatentFixture()
        defer { try? FileManager.default.removeItem(atPath: f.root) }
        let cfg = f.latentRun("i", prior: try trainPrior(f))
        let dir = RunDirectory(root: f.root, name: "i")
        try dir.create()
        try Trainer(config: cfg, run: dir, encoder: hashEncoder).save(to: dir.latestCheckpoint)
        let model = try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)
        var strip = model.request(prompt: "a red circle", seed: 8)
        strip.promptB = "a blue square"
        strip.frames = 3
        let x = try #require(try model.generate([strip]))
        let a = try #require(try model.generate([model.request(prompt: "a red circle", seed: 8)]))
        let b = try #require(try model.generate([model.request(prompt: "a blue square", seed: 8)]))
        let n = a.count
        #expect(x.shape == [3, 3, 16, 16])
        #expect(Array(x.data[0..<n]) == Array(a.data) && Array(x.data[(2 * n)...]) == Array(b.data))
        // The middle frame's image embedding (prior of the mixed text row) is neither end's.
        let pipe = try #require(model.pipeline as? LatentPipeline)
        let rows = try strip.singleRows().map { try pipe.imageEmbeddings(GenerationPlanner.plan([$0], model: model)) }
        let ea = try pipe.imageEmbeddings(GenerationPlanner.plan([model.request(prompt: "a red circle", seed: 8)], model: model))
        let eb = try pipe.imageEmbeddings(GenerationPlanner.plan([model.request(prompt: "a blue square", seed: 8)], model: model))
        #expect(Array(rows[0].data) == Array(ea.data) && Array(rows[2].data) == Array(eb.data))
        #expect(Array(rows[1].data) != Array(ea.data) && Array(rows[1].data) != Array(eb.data))
    }

    /// A few steps of the prior family on the fixture's encoder; its checkpoint path.
    func trainPrior(_ f: LatentFixture) throws -> String {
        let dir = RunDirectory(root: f.root, name: "prior")
        try dir.create()
        let t = try Trainer(config: f.priorRun("prior"), run: dir, encoder: hashEncoder)
        for _ in 0..<3 { _ = try t.trainStep() }
        try t.save(to: dir.latestCheckpoint)
        return dir.latestCheckpoint
    }
}

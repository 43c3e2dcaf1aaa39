// TokenFamilyTests: the Paella and DDG families on a tiny VQ built here (16² shapes → 4² tokens, K 16): losses
// fall, resume is exact, pipelines make images of the right shape with previews from the VQ's tables, a saved
// PNG reproduces pixel-identically, inpainting and outpainting keep the unmasked tokens.
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import ArrozTrain
import Foundation
import Testing

func mean(_ v: ArraySlice<Float>) -> Float { v.reduce(0, +) / Float(v.count) }

/// Every 4×4 cell of a `[N, 3, S, S]` preview is one colour, and that colour is a row of the table (in [−1, 1]).
func previewComesFromTable(_ p: Tensor, table: [Float]) -> Bool {
    let (N, _, S, _) = p.shape4
    let d = p.data
    let rows = (0..<(table.count / 3)).map { k in (0..<3).map { table[k * 3 + $0] * 2 - 1 } }
    for n in 0..<N {
        for cy in stride(from: 0, to: S, by: 4) {
            for cx in stride(from: 0, to: S, by: 4) {
                let colour = (0..<3).map { d[((n * 3 + $0) * S + cy) * S + cx] }
                guard rows.contains(where: { zip($0, colour).allSatisfy { abs($0 - $1) < 1e-6 } }) else { return false }
                for y in cy..<(cy + 4) {
                    for x in cx..<(cx + 4) where (0..<3).contains(where: { d[((n * 3 + $0) * S + y) * S + x] != colour[$0] }) {
                        return false
                    }
                }
            }
        }
    }
    return true
}

func savedSample(_ model: LoadedModel, _ request: GenerationRequest, root: String) throws -> (String, RGBImage) {
    guard let sheet = try Reproduce.render(request, model: model) else { throw TrainError.cancelled }
    let png = root + "/sample-\(UUID().uuidString).png"
    try savePNG(sheet, png, text: ["parameters": request.parametersText])
    return (png, sheet)
}

@Suite(.serialized) struct PaellaFamilyTests {
    @Test func lossFallsAndTokenAccuracyIsLogged() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (vq, _) = try tinyVQCheckpoint(root)
        let t = try Trainer(config: try tinyPaellaRun(vq), run: RunDirectory(root: root, name: "p"), encoder: hashEncoder)
        var losses: [Float] = [], acc: [Float] = []
        for _ in 0..<40 {
            let s = try t.trainStep()
            losses.append(s.loss)
            acc.append(s.fields["token_accuracy"] ?? -1)
        }
        #expect(acc.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(mean(losses[30...]) < 0.8 * mean(losses[..<5]), "loss \(losses)")
    }

    @Test func resumeGivesTheIdenticalNextLoss() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (vq, _) = try tinyVQCheckpoint(root)
        let cfg = try tinyPaellaRun(vq)
        let a = try Trainer(config: cfg, run: RunDirectory(root: root, name: "a"), encoder: hashEncoder)
        var la: [Float] = []
        for _ in 0..<4 { la.append(try a.trainStep().loss) }
        let dir = RunDirectory(root: root, name: "b")
        try dir.create()
        let b = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        for _ in 0..<2 { _ = try b.trainStep() }
        try b.save(to: dir.latestCheckpoint)
        let c = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        try c.restore(from: dir.latestCheckpoint)
        #expect(try c.trainStep().loss == la[2])
        #expect(try c.trainStep().loss == la[3])
    }

    /// Image shape, previews from code2rgb (the last one = the final tokens'), PNG → Reproduce pixel-identical,
    /// inpainting and outpainting keep every unmasked token, a variation runs.
    @Test func pipelineReproducesAndInpaintingKeepsUnmaskedTokens() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (vq, table) = try tinyVQCheckpoint(root)
        let dir = RunDirectory(root: root, name: "p")
        try dir.create()
        let t = try Trainer(config: try tinyPaellaRun(vq), run: dir, encoder: hashEncoder)
        for _ in 0..<3 { _ = try t.trainStep() }
        try t.save(to: dir.latestCheckpoint)
        let model = try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)
        let pipeline = try #require(model.pipeline as? PaellaPipeline)
        var request = model.request(prompt: "a red circle", seed: 5)
        #expect(request.sampler == .paella && request.steps == 4)
        var previews: [Tensor] = []
        let images = try #require(try model.generate([request], onStep: { previews.append($0.preview); return true }))
        #expect(images.shape == [1, 3, 16, 16])
        #expect(previews.count == 4 && previews.allSatisfy { previewComesFromTable($0, table: table) })
        // PNG round trip through LoadedModel + Reproduce
        let (png, sheet) = try savedSample(model, request, root: root)
        let back = try Reproduce.request(fromPNG: png)
        #expect(back == request)
        let again = try #require(try Reproduce.render(back, model: try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)))
        #expect(again.pixels == sheet.pixels)

        // inpainting: repaint the left half
        let initPNG = png
        var mask = RGBImage(width: 16, height: 16)
        for y in 0..<16 { for x in 0..<8 { for c in 0..<3 { mask.pixels[(y * 16 + x) * 3 + c] = 255 } } }
        let maskPNG = root + "/mask.png"
        try savePNG(mask, maskPNG)
        request.initImage = initPNG
        request.mask = maskPNG
        for seed in [UInt64(1), 2, 3] {
            request.seed = seed
            let plan = try GenerationPlanner.plan([request], model: model)
            let original = pipeline.vq.indices(try #require(plan.initImages))
            let tokens = try #require(try pipeline.runTokens(plan, controls: SamplerControls(guidanceScale: 2), onStep: nil))
            for y in 0..<4 { for x in 2..<4 { #expect(tokens.data[y * 4 + x] == original.data[y * 4 + x]) } }
        }
        // the mask round-trips through the PNG parameters too
        let (maskedPNG, maskedSheet) = try savedSample(model, request, root: root)
        let maskedBack = try Reproduce.request(fromPNG: maskedPNG)
        #expect(maskedBack.mask == maskPNG)
        #expect(try Reproduce.render(maskedBack, model: model)?.pixels == maskedSheet.pixels)

        // outpainting 4 px on the left: the init image shrinks into the right 12 columns, tokens 1…3 of each row stay
        request.mask = nil
        request.outpaint = [4, 0, 0, 0]
        let plan = try GenerationPlanner.plan([request], model: model)
        #expect(plan.mask?.data[0] == 1 && plan.mask?.data[4] == 0)
        let original = pipeline.vq.indices(try #require(plan.initImages))
        let tokens = try #require(try pipeline.runTokens(plan, controls: SamplerControls(guidanceScale: 2), onStep: nil))
        for y in 0..<4 { for x in 1..<4 { #expect(tokens.data[y * 4 + x] == original.data[y * 4 + x]) } }
        #expect(try Reproduce.request(fromPNG: try savedSample(model, request, root: root).0).outpaint == [4, 0, 0, 0])

        // structural variation
        request.outpaint = nil
        request.variation = 0.5
        #expect(try model.generate([request])?.shape == [1, 3, 16, 16])
    }

    /// Paella v1 (the paper's DenoiseUNet, cosine rate, r 0 → 1) as a config: trains, samples, varies.
    @Test func v1TrainsAndSamples() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (vq, _) = try tinyVQCheckpoint(root)
        var v1 = PaellaV1Config()
        (v1.numLabels, v1.cHidden, v1.cClip, v1.cR, v1.downLevels, v1.upLevels) = (16, 16, 6, 8, [1, 1], [1, 1])
        var cfg = try tinyPaellaRun(vq)
        cfg.model = try PaellaSpec(v1: v1, autoencoder: AutoencoderRef(path: vq), imageSize: 16).spec
        let dir = RunDirectory(root: root, name: "v1")
        try dir.create()
        let t = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        for _ in 0..<3 { #expect(try t.trainStep().loss.isFinite) }
        try t.save(to: dir.latestCheckpoint)
        let model = try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)
        var r = model.request(prompt: "a red circle", seed: 1)
        #expect(try model.generate([r])?.shape == [1, 3, 16, 16])
        let (png, _) = try savedSample(model, r, root: root)
        r.initImage = png
        r.variation = 0.4
        #expect(try model.generate([r])?.shape == [1, 3, 16, 16])
    }

    @Test func editOptionsAreValidated() throws {
        var r = GenerationRequest(promptA: "x", model: "m", sampler: .paella, steps: 4, cfg: 2, seed: 0, size: 16)
        r.variation = 0.5
        #expect(throws: GenerationError.self) { try r.validate() }  // needs --image
        r.initImage = "a.png"
        try r.validate()
        r.variation = 1.5
        #expect(throws: GenerationError.self) { try r.validate() }
        r.variation = nil
        r.outpaint = [8, 0, 8, 0]
        #expect(throws: GenerationError.self) { try r.validate() }  // 8 + 8 is not below 16
        r.outpaint = [4, 0, 0, 0]
        try r.validate()
        r.mask = "m.png"
        #expect(throws: GenerationError.self) { try r.validate() }  // one edit at a time
        r.mask = nil
        let back = try GenerationRequest(parametersText: r.parametersText, source: "t")
        #expect(back == r)
    }
}

@Suite(.serialized) struct DDGFamilyTests {
    @Test func reconstructionFallsInWarmUp() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (vq, _) = try tinyVQCheckpoint(root)
        let t = try Trainer(config: try tinyDDGRun(vq, warmup: 1000), run: RunDirectory(root: root, name: "g"), encoder: hashEncoder)
        var recon: [Float] = []
        for _ in 0..<30 {
            let s = try t.trainStep()
            recon.append(s.fields["recon"] ?? -1)
            #expect(s.fields["g_adv"] == 0 && s.fields["d_loss"] != nil)
        }
        #expect(mean(recon[25...]) < 0.8 * mean(recon[..<3]), "recon \(recon)")
    }

    @Test func bothOptimizersStepAndResumeIsExact() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (vq, _) = try tinyVQCheckpoint(root)
        let cfg = try tinyDDGRun(vq, warmup: 1)
        let a = try Trainer(config: cfg, run: RunDirectory(root: root, name: "a"), encoder: hashEncoder)
        let before = a.model.namedParameters().map { ($0.0, $0.1.scalars) }
        var la: [Float] = []
        for _ in 0..<5 {
            let s = try a.trainStep()
            la.append(s.loss)
            #expect(s.loss.isFinite && s.fields["d_loss"]!.isFinite)
        }
        let after = Dictionary(uniqueKeysWithValues: a.model.namedParameters().map { ($0.0, $0.1.scalars) })
        for prefix in ["generator.", "discriminator."] {
            #expect(before.contains { $0.0.hasPrefix(prefix) && after[$0.0] != $0.1 }, "\(prefix) never moved")
        }
        let dir = RunDirectory(root: root, name: "b")
        try dir.create()
        let b = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        for _ in 0..<3 { _ = try b.trainStep() }  // past warm-up, R1 at step 2
        try b.save(to: dir.latestCheckpoint)
        let names = try SafeTensorsFile(path: dir.latestCheckpoint).names
        #expect(names.contains { $0.hasPrefix("optim.g.") } && names.contains { $0.hasPrefix("optim.d.") })
        #expect(names.contains { $0.hasPrefix("ema.") })
        let c = try Trainer(config: cfg, run: dir, encoder: hashEncoder)
        try c.restore(from: dir.latestCheckpoint)
        #expect(try c.trainStep().loss == la[3])
        #expect(try c.trainStep().loss == la[4])
    }

    @Test func pipelinePreviewsFromLatent2RGBAndReproduces() throws {
        let root = tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (vq, _) = try tinyVQCheckpoint(root)
        let dir = RunDirectory(root: root, name: "g")
        try dir.create()
        let t = try Trainer(config: try tinyDDGRun(vq, warmup: 1), run: dir, encoder: hashEncoder)
        for _ in 0..<3 { _ = try t.trainStep() }
        try t.save(to: dir.latestCheckpoint)
        let model = try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)
        let pipeline = try #require(model.pipeline as? DDGPipeline)
        let request = model.request(prompt: "a blue square", seed: 3)
        #expect(request.sampler == .ddg && request.steps == 4)
        let plan = try GenerationPlanner.plan([request], model: model)
        var previews: [Tensor] = []
        let latents = try #require(try pipeline.runLatents(plan, controls: SamplerControls(guidanceScale: 2), onStep: {
            previews.append($0.preview)
            return true
        }))
        #expect(latents.shape == [1, 4, 4, 4] && previews.count == 4)
        #expect(previews.last?.scalars == pipeline.vq.preview(latents: latents).scalars)
        #expect(previews.last?.shape == [1, 3, 16, 16])
        let (png, sheet) = try savedSample(model, request, root: root)
        let back = try Reproduce.request(fromPNG: png)
        let again = try #require(try Reproduce.render(back, model: try LoadedModel(path: dir.latestCheckpoint, encoder: hashEncoder)))
        #expect(again.pixels == sheet.pixels && sheet.width == 16)
        var bad = request
        bad.steps = 6
        #expect(pipeline.maxSteps == 5 && pipeline.tokenGrid == nil)
        let tooMany = #expect(throws: GenerationError.self) { try bad.validate(for: pipeline) }
        #expect(tooMany?.field == "--steps" && tooMany?.valid.contains("1 to 5") == true)
        #expect(throws: (any Error).self) { try model.generate([bad]) }
        var edit = request
        edit.initImage = png
        edit.mask = png
        #expect(throws: GenerationError.self) { try edit.validate(for: pipeline) }
    }
}

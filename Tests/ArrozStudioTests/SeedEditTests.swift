// SeedEditTests: the seed-image edits through the real StudioApp (MemoryTerminal) and the real DiffusionEngine on
// tiny trained checkpoints — `v` on a Paella, a latent (Arroz) and a pixel model saves PNGs that `sample --from`
// (Reproduce) redraws pixel for pixel; the mark mode's inpaint keeps every unmarked token of the source and
// repaints only the marked ones; an outpaint reproduces too.
import ArrozData
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozTensor
import ArrozTestSupport
import ArrozText
import Foundation
import Testing

@testable import ArrozStudio
@testable import ArrozTrain

@Suite(.serialized) struct SeedEditTests {
    /// Runs `p` (Paella v3 on a 16² → 4² token VQ) and `lat` (the Arroz generator on a VQ's latents with an
    /// image encoder) beside the round-trip test's `txt` / `cls` (pixels), each trained a few steps.
    static func seedRuns(root: String) throws {
        let (vq, _) = try tinyVQCheckpoint(root)
        let latent = try LatentFixture(root: root + "/latent")
        for cfg in [try tinyPaellaRun(vq, name: "p"), latent.latentRun("lat")] {
            let dir = RunDirectory(root: root, name: cfg.name)
            try dir.create()
            try cfg.save(dir.configPath)
            let t = try Trainer(config: cfg, run: dir, encoder: RoundTripTests.encoder)
            for _ in 0..<3 { _ = try t.trainStep() }
            try t.save(to: dir.latestCheckpoint)
        }
    }

    func request(_ model: String, _ sampler: SamplerKind, size: Int) -> GenerationRequest {
        GenerationRequest(
            promptA: "a red circle", model: model, sampler: sampler, steps: 4, cfg: 2, seed: 5, size: size)
    }

    @Test func eachModelReportsItsOwnSamplersAndEdits() throws {
        let studio = try StudioHarness(extraRuns: Self.seedRuns)
        let p = try studio.engine.traits(for: "p · ema")
        #expect(p.samplers == ["paella"] && p.tokenGrid == 4 && p.imageSize == 16 && p.maxSteps == nil)
        #expect(p.capabilities.contains(.inpainting) && p.capabilities.contains(.variation))
        let lat = try studio.engine.traits(for: "lat · ema")
        #expect(
            lat.capabilities.contains(.variations) && lat.tokenGrid == nil && !lat.samplers.contains("paella")
        )
        let txt = try studio.engine.traits(for: "txt · ema")
        #expect(txt.capabilities.contains(.imageToImage) && !txt.capabilities.contains(.variations))
        #expect(
            !txt.samplers.contains("paella") && !txt.samplers.contains("ddg") && txt.samplers.contains("ddim")
        )
        let cls = try studio.engine.traits(for: "cls · ema")
        #expect(cls.samplers.first == "keras" && cls.defaultSteps == 3)
        // `l` on an edited PNG brings the edit back (its source and mask as the PNG names them).
        studio.show(request("p · ema", .paella, size: 16))
        studio.press(.char("v"))
        let path = try studio.save()
        studio.press(.escape)
        #expect(studio.app.state.edit == nil)
        studio.app.dispatch(.settingsLoaded(try Reproduce.request(fromPNG: path)))
        #expect(studio.app.state.edit?.kind == .structural && studio.app.state.edit?.strength == 0.5)
        #expect(
            studio.app.state.sampler.initImage.isEmpty,
            "an edit's source is not the Sampler pane's init image")
    }

    @Test func variationsOfTheShownImageReproduceFromTheSavedPNG() throws {
        let studio = try StudioHarness(extraRuns: Self.seedRuns)
        let cases: [(String, SamplerKind, Int, EditKind)] = [
            ("p · ema", .paella, 16, .structural), ("lat · ema", .ddim, 16, .variations),
            ("txt · ema", .ddim, 8, .imageToImage),
        ]
        for (model, sampler, size, kind) in cases {
            studio.show(request(model, sampler, size: size))
            let shown = try #require(studio.app.state.preview.image)
            #expect(studio.app.state.sampler.samplerName == sampler.rawValue, "\(model)")
            studio.press(.char("v"))
            let edit = try #require(studio.app.state.edit, "\(model): \(studio.app.state.status?.text ?? "")")
            #expect(edit.kind == kind, "\(model)")
            #expect(try loadPNG(edit.source) == shown, "\(model): the source is the image that was shown")
            if kind.hasStrength { studio.press(.char("[")) }  // 0.45 / 0.55
            let path = try studio.save()
            let saved = try Reproduce.request(fromPNG: path)
            switch kind {
            case .structural: #expect(saved.initImage == edit.source && saved.variation == 0.45)
            case .variations: #expect(saved.variationsOf == edit.source && saved.initImage == nil)
            default: #expect(saved.initImage == edit.source && saved.strength == 0.55)
            }
            #expect(
                try studio.reproduce(path) == (try loadPNG(path)),
                "\(model) \(kind): sample --from redraws it")
            // esc: the prompts' own image again.
            studio.press(.escape)
            #expect(studio.app.state.edit == nil && studio.app.state.preview.image == shown, "\(model)")
        }
    }

    @Test func inpaintKeepsEveryUnmarkedTokenAndOutpaintReproduces() throws {
        let studio = try StudioHarness(extraRuns: Self.seedRuns)
        // A request with a sampler the model cannot run runs with its own, at its own steps.
        var other = request("p · ema", .ddpm, size: 16)
        other.steps = 20
        let prepared = try studio.engine.prepare(other)
        #expect(prepared.sampler == .paella && prepared.steps == 4)
        studio.show(request("p · ema", .paella, size: 16))
        #expect(studio.app.state.sampler.samplers == ["paella"], "Paella's own sampler menu")
        #expect(studio.app.state.traits?.tokenGrid == 4)
        studio.press(.char("M"))
        // Cursor (2, 2): mark it and the box to (3, 3), plus (0, 0) by keys.
        studio.press(
            .char(" "), .char("L"), .char("J"), .char("h"), .char("h"), .char("h"), .char("k"), .char("k"),
            .char("k"), .char(" "))
        let grid = try #require(studio.app.state.mark)
        let marks = Set(marked(grid))
        #expect(marks == Set(points([(0, 0), (2, 2), (3, 2), (2, 3), (3, 3)])))
        studio.press(.enter)
        let ran = try #require(studio.app.state.preview.request)
        let source = try #require(ran.initImage)
        #expect(ran.mask != nil && studio.app.state.edit?.mask == ran.mask)
        let shown = try #require(studio.app.state.preview.image)
        #expect(shown != (try loadPNG(source)), "the marked cells were repainted")
        // The tokens behind the studio's pixels: the same plan, run to tokens, decodes to exactly what it showed.
        let model = try studio.engine.model(named: "p · ema")
        let pipe = try #require(model.pipeline as? PaellaPipeline)
        let plan = try GenerationPlanner.plan([ran], model: model)
        let tokens = try #require(
            try pipe.runTokens(plan, controls: SamplerControls(guidanceScale: ran.cfg), onStep: nil))
        #expect(RGBImage.images(fromBatch: pipe.vq.decode(indices: tokens))[0] == shown)
        // (copied out while the tensors live: `.data` points into their storage)
        let originalT = pipe.vq.indices(try #require(plan.initImages)),
            maskT = pipe.tokenMask(try #require(plan.mask))
        let (original, mask, t) = withExtendedLifetime((originalT, maskT, tokens)) {
            (Array(originalT.data), Array(maskT.data), Array(tokens.data))
        }
        var changed = 0
        for y in 0..<4 {
            for x in 0..<4 {
                let i = y * 4 + x
                #expect(
                    (mask[i] == 1) == marks.contains(GridPoint(x, y)),
                    "the mask is the marked cells at \(x),\(y)")
                if mask[i] == 0 { #expect(t[i] == original[i], "unmarked token \(x),\(y) kept") }
                if t[i] != original[i] { changed += 1 }
            }
        }
        #expect(changed > 0 && changed <= marks.count)
        let inpainted = try studio.save()
        #expect(try studio.reproduce(inpainted) == (try loadPNG(inpainted)))
        // Outpaint 2 tokens (8 px) on the left, from the shown (inpainted) image.
        studio.press(.escape, .char("o"), .left)
        #expect(studio.app.state.preview.request?.outpaint == [8, 0, 0, 0])
        let outpainted = try studio.save()
        #expect(try studio.reproduce(outpainted) == (try loadPNG(outpainted)))
    }
}

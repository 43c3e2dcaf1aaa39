// RoundTripTests: a PNG saved in the studio (the real StudioApp over MemoryTerminal, the real DiffusionEngine on
// small trained checkpoints) is redrawn pixel for pixel by `sample --from`'s code path (Reproduce) — every
// sampler × class and text conditioning × mix {0, 0.4} × two seeds, an interpolation strip and image-to-image.
import ArrozData
import ArrozDiffusion
import ArrozImage
import ArrozModels
import ArrozTensor
import ArrozTestSupport
import ArrozText
import ArrozTrain
import Foundation
import Testing

@testable import ArrozStudio

@Suite(.serialized) struct RoundTripTests {
    static let encoder: (String) throws -> PromptEncoder = { _ in HashEncoder() }

    /// Two tiny runs trained a few steps on shapes 8²: `txt` (Arroz generator, cosine process, text) and `cls`
    /// (Keras U-Net, its σ process, classes).
    static func trainModels(root: String) throws {
        var a = ArrozConfig()
        a.imageSize = 8
        a.hidden = 16
        a.rEmbedding = 4
        a.conditionDimension = 6
        a.downLevels = [1, 1]
        a.upLevels = [1, 1]
        var txt = RunConfig(name: "txt", recipe: "test", model: try GaussianSpec(network: .arroz(a), process: .cosine).spec)
        txt.conditioning.kind = .text
        var k = KerasUNetConfig()
        k.imageSize = 8
        k.channels = 3
        k.widths = [8, 16]
        k.attentionLevels = [0, 1]
        k.numClasses = ShapesDataset.shapes.count + 1
        k.embeddingSize = 4
        var cls = RunConfig(name: "cls", recipe: "test", model: try GaussianSpec(network: .keras(k), process: .keras).spec)
        cls.conditioning.kind = .class
        cls.sampling = SamplingDefaults(sampler: .keras, steps: 3, cfg: 2)
        for var c in [txt, cls] {
            c.data.dataset = "shapes"
            c.data.imageSize = 8
            c.data.channels = 3
            c.data.limit = 32
            c.batchSize = 4
            c.optimizer.emaDecay = 0.5
            let dir = RunDirectory(root: root, name: c.name)
            try dir.create()
            try c.save(dir.configPath)
            let t = try Trainer(config: c, run: dir, encoder: encoder)
            for _ in 0..<3 { try t.trainStep() }
            try t.save(to: dir.latestCheckpoint)
        }
    }

    @Test func studioSavesReproducePixelIdentical() throws {
        let studio = try StudioHarness()
        for model in ["cls · ema", "txt · ema"] {
            let loaded = try studio.engine.model(named: model)
            let prompts = model.hasPrefix("cls") ? ("circle", "square") : ("a red circle", "a blue square")
            for sampler in loaded.pipeline.samplers {
                for mix: Float in [0, 0.4] {
                    for seed: UInt64 in [3, 11] {
                        let r = GenerationRequest(
                            promptA: prompts.0, promptB: prompts.1, mix: mix, model: model, sampler: sampler,
                            steps: 3, cfg: 2.5, seed: seed, size: 8)
                        studio.show(r)
                        #expect(studio.app.state.preview.request?.sampler == sampler, "\(model) \(sampler)")
                        let path = try studio.save()
                        let saved = try loadPNG(path)
                        let redrawn = try studio.reproduce(path)
                        #expect(redrawn == saved, "\(model) · \(sampler.rawValue) · mix \(mix) · seed \(seed)")
                    }
                }
            }
        }
    }

    @Test func interpolationStripAndImageToImageReproduce() throws {
        let studio = try StudioHarness()
        var r = GenerationRequest(
            promptA: "a red circle", promptB: "a blue square", model: "txt · ema", sampler: .ddim, steps: 3,
            cfg: 2, seed: 5, size: 8)
        studio.show(r)
        let plain = try studio.save()
        // The strip (`i`): seven frames from A to B sharing the noise.
        studio.app.tick(key: .char("i"))
        studio.queue.runUntilIdle()
        studio.app.tick(key: nil)
        #expect(studio.app.state.preview.strip.count == studio.app.state.stripFrames)
        let strip = try studio.save()
        #expect(try Reproduce.request(fromPNG: strip).frames == studio.app.state.stripFrames)
        #expect(try studio.reproduce(strip) == (try loadPNG(strip)))
        // Image to image from the first PNG, through the Sampler pane's init image field and strength.
        r.initImage = plain
        r.strength = 0.65
        r.promptA = "a blue square"
        studio.show(r)
        #expect(studio.app.state.sampler.initImage == plain)
        let edited = try studio.save()
        let request = try Reproduce.request(fromPNG: edited)
        #expect(request.initImage == plain && request.strength == 0.65)
        #expect(try studio.reproduce(edited) == (try loadPNG(edited)))
    }
}

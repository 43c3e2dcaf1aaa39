// ModelTests: every family builds, keeps its shapes, lists the seeds' state_dict names, and trains.
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

@Suite struct ModelTests {
    static func tinyKeras(classes: Bool) -> KerasUNetConfig {
        var k = KerasUNetConfig()
        k.imageSize = 8
        k.channels = classes ? 1 : 3
        k.widths = [8, 16]
        k.attentionLevels = [0, 1]
        k.numClasses = classes ? 4 : 0
        k.embeddingSize = 4
        k.textDimension = 6
        return k
    }

    static func tinyArroz() -> ArrozConfig {
        var a = ArrozConfig()
        a.inChannels = 3
        a.imageSize = 8
        a.hidden = 16
        a.rEmbedding = 4
        a.conditionDimension = 6
        a.downLevels = [1, 1]
        a.upLevels = [1, 1]
        return a
    }

    @Test func kerasShapesForClassesAndText() throws {
        var rng = ArrozRandom(seed: 1)
        for classes in [true, false] {
            let m = KerasUNet(Self.tinyKeras(classes: classes), rng: &rng)
            let C = classes ? 1 : 3
            let x = Tensor.randn([2, C, 8, 8], rng: &rng)
            let label = classes ? Tensor([0, 3]) : Tensor.randn([2, 6], rng: &rng)
            let y = m(x, sigma: Tensor([0.1, 0.9]), label: label)
            #expect(y.shape == [2, C, 8, 8])
            // The seed zero-initialises the output conv, so a fresh model predicts exactly 0.
            #expect(y.scalars.allSatisfy { $0 == 0 })
        }
    }

    @Test func kerasNoiseEmbeddingMatchesSeedFormula() {
        // e = [sin(2π f_k σ), cos(2π f_k σ)], f_k = exp(linspace(ln 1, ln 1000, 16)); numpy at σ = 0.3:
        // np.sin(2*np.pi*np.exp(np.linspace(0, np.log(1000), 16))[:2]*0.3) = [0.95105652, 0.15352973]
        let e = KerasUNet.noiseEmbedding(Tensor([0.3]))
        #expect(e.shape == [1, 32])
        expectClose(Array(e.scalars[0..<2]), [0.951_056_52, 0.153_529_73], rtol: 1e-4, atol: 1e-5)
        expectClose([e.scalars[16]], [Float(cos(2 * Double.pi * 0.3))], atol: 1e-5)
    }

    @Test func arrozShapesAndStateDictNames() throws {
        var rng = ArrozRandom(seed: 2)
        let m = ArrozGenerator(Self.tinyArroz(), rng: &rng)
        let y = m(Tensor.randn([2, 3, 8, 8], rng: &rng), r: Tensor([0.2, 0.7]), c: Tensor.randn([2, 6], rng: &rng))
        #expect(y.shape == [2, 3, 8, 8])
        let names = Set(m.namedParameters().map(\.0))
        // seeds.md §1.1 "state_dict names": ResBlock keys, the down conv at down_blocks.L.0, v1 ConvT at the end.
        for key in [
            "embedding.weight", "embedding.bias", "down_blocks.0.0.gamma", "down_blocks.0.0.depthwise.1.weight",
            "down_blocks.0.0.depthwise.1.bias", "down_blocks.0.0.ln.gamma", "down_blocks.0.0.ln.beta",
            "down_blocks.0.0.ln.ln.weight", "down_blocks.0.0.ln.ln.bias", "down_blocks.0.0.channelwise.0.weight",
            "down_blocks.0.0.channelwise.2.bias", "down_blocks.0.0.cond_mapper.weight", "down_blocks.1.0.weight",
            "down_blocks.1.1.gamma", "up_blocks.0.0.gamma", "up_blocks.0.1.weight", "up_blocks.1.0.channelwise.0.weight",
            "clf.weight", "clf.bias",
        ] {
            #expect(names.contains(key), "missing \(key)")
        }
        // The first up block of level 1 takes the skip: its MLP input is c + c_skip wide.
        let w = m.namedParameters().first { $0.0 == "up_blocks.1.0.channelwise.0.weight" }?.1
        #expect(w?.shape == [32, 16])
        #expect(m.namedParameters().first { $0.0 == "down_blocks.0.0.ln.gamma" }?.1.shape == [1, 1, 1])
    }

    @Test func arrozREmbeddingMatchesSeedFormula() {
        // seeds.md §0.2: h = 2, ω = [1, 1e-4]·… → at r = 0.5: sin(5000), sin(0.5), cos(5000), cos(0.5)
        let e = ArrozGenerator.rEmbedding(Tensor([0.5]), width: 4)
        expectClose(e, [Float(sin(5000.0)), Float(sin(0.5)), Float(cos(5000.0)), Float(cos(0.5))], rtol: 1e-3, atol: 1e-3)
    }

    @Test func ddpmMatchesPyTorchWithRealWeights() throws {
        var c = DDPMUNetConfig()
        c.channels = 32
        c.mults = [1, 1]
        c.resBlocks = 1
        c.condDim = 16
        c.imageSize = 8
        var rng = ArrozRandom(seed: 3)
        let m = DDPMUNet(c, rng: &rng)
        guard let url = Bundle.module.url(forResource: "ddpm_small", withExtension: "safetensors",
                                          subdirectory: "Fixtures/models") else {
            Issue.record("fixture ddpm_small.safetensors missing")
            return
        }
        // unet_ref.UNet's state_dict loads strictly: same names, same shapes.
        try m.load(from: SafeTensorsFile(path: url.path))
        m.eval()
        let f = try Fixture("ddpm_small", area: "models", bundle: .module)
        let y = withNoGrad { m(f["x"], t: f["t"], cond: f["cond"]) }
        expectClose(y, f["y"], rtol: 1e-3, atol: 1e-4, "DDPMUNet vs unet_ref.UNet")
    }

    @Test func ddpmPix32AddHasTheReferenceStateDict() throws {
        guard let url = Bundle.module.url(forResource: "ddpm_keys", withExtension: "json", subdirectory: "Fixtures/models")
        else {
            Issue.record("fixture ddpm_keys.json missing")
            return
        }
        struct Keys: Decodable { let keys: [String]; let shapes: [String: [Int]]; let parameters: Int }
        let ref = try JSONDecoder().decode(Keys.self, from: Data(contentsOf: url))
        var rng = ArrozRandom(seed: 4)
        let m = DDPMUNet(.pix32Add, rng: &rng)
        let ours = m.namedParameters()
        #expect(Set(ours.map(\.0)) == Set(ref.keys))
        for (k, t) in ours { #expect(ref.shapes[k] == t.shape, "\(k)") }
        #expect(m.parameterCount == ref.parameters)
    }

    @Test func configsRoundTripAsJSON() throws {
        for cfg in [ModelConfig.keras(Self.tinyKeras(classes: true)), .arroz(Self.tinyArroz()), .ddpm(.lat16Add)] {
            let data = try JSONEncoder().encode(cfg)
            #expect(try JSONDecoder().decode(ModelConfig.self, from: data) == cfg)
        }
        #expect(throws: ModelConfigError.self) {
            try JSONDecoder().decode(ModelConfig.self, from: Data(#"{"family":"nope"}"#.utf8))
        }
        var bad = Self.tinyArroz()
        bad.imageSize = 7
        #expect(throws: ModelConfigError.self) { try ModelConfig.arroz(bad).validate() }
    }

    @Test func tinyModelsOverfitOneBatch() throws {
        // A few AdamW steps on one fixed batch drive each family's loss well down.
        var rng = ArrozRandom(seed: 5)
        let cases: [ModelConfig] = [.keras(Self.tinyKeras(classes: false)), .arroz(Self.tinyArroz())]
        for cfg in cases {
            let m = try cfg.makeModel(rng: &rng)
            let opt = AdamW(m, lr: 3e-3, weightDecay: 0)
            let x = Tensor.randn([2, 3, 8, 8], rng: &rng)
            let target = x * 0.5                               // a denoising-like map the net can learn
            let t = Tensor([0.3, 0.6]), c = Tensor.randn([2, 6], rng: &rng)
            var first: Float = 0, last: Float = 0
            for i in 0..<40 {
                opt.zeroGrad()
                let loss = mseLoss(m.predict(x, t: t, cond: c), target)
                if i == 0 { first = loss.item }
                last = loss.item
                loss.backward()
                opt.step()
            }
            #expect(last < 0.5 * first, "\(cfg.family): loss \(first) → \(last)")
        }
    }
}

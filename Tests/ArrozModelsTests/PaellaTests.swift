// PaellaTests: Paella v3 and v1 under the upstream state_dict names and shapes, PyTorch parity with random
// non-default weights (Tests/Fixtures/fixtures_tokens.py), the loss and the upstream kwargs.
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

/// The files of Tests/ArrozModelsTests/Fixtures/tokens (written by Tests/Fixtures/fixtures_tokens.py).
enum TokensFixtures {
    struct Described: Decodable {
        let kwargs: [String: UpstreamValue]
        let state_dict: [[Entry]]
        let parameters: Int
        enum Entry: Decodable {
            case name(String), shape([Int])
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let s = try? c.decode(String.self) {
                    self = .name(s)
                } else {
                    self = .shape(try c.decode([Int].self))
                }
            }
        }
        /// Ordered (name, shape) pairs of the PyTorch state_dict.
        var pairs: [(String, [Int])] {
            state_dict.map { e in
                guard case .name(let n) = e[0], case .shape(let s) = e[1] else {
                    preconditionFailure("keys.json")
                }
                return (n, s)
            }
        }
    }

    static func url(_ name: String, _ ext: String) throws -> URL {
        guard
            let u = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures/tokens")
        else {
            throw FixtureError.missing(path: "Fixtures/tokens/\(name).\(ext)")
        }
        return u
    }

    static func described(_ name: String) throws -> Described {
        struct File: Decodable { let models: [String: Described] }
        let f = try JSONDecoder().decode(File.self, from: Data(contentsOf: url("keys", "json")))
        guard let d = f.models[name] else { throw FixtureError.missing(path: "keys.json: \(name)") }
        return d
    }

    static func file(_ name: String) throws -> SafeTensorsFile {
        try SafeTensorsFile(path: url(name, "safetensors").path)
    }

    /// Expects `model`'s state_dict to be exactly `ref`'s: same names in the same order, same shapes.
    static func expectStateDict(
        _ model: Layer, _ ref: Described, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let ours = model.namedParameters().map { ($0.0, $0.1.shape) }
        let theirs = ref.pairs
        #expect(
            ours.map(\.0) == theirs.map(\.0), "\(what): state_dict names/order",
            sourceLocation: sourceLocation)
        if ours.map(\.0) != theirs.map(\.0) {
            let a = Set(ours.map(\.0)), b = Set(theirs.map(\.0))
            Issue.record(
                "\(what): only ours \(a.subtracting(b).sorted().prefix(8)), only theirs \(b.subtracting(a).sorted().prefix(8))",
                sourceLocation: sourceLocation)
        }
        for ((n, s), (_, t)) in zip(ours, theirs) where s != t {
            Issue.record("\(what): \(n) is \(s), PyTorch \(t)", sourceLocation: sourceLocation)
        }
        #expect(
            model.parameterCount == ref.parameters, "\(what): parameter count", sourceLocation: sourceLocation
        )
    }

    /// Back-propagates Σ out·R (R from the fixture) and expects every parameter's gradient (its first 64
    /// elements, as the fixture stores them under `<prefix><name>`) to match PyTorch's; returns the worst
    /// |Δ| relative to each tensor's largest gradient element (over tensors whose gradient is not float noise).
    @discardableResult
    static func expectGradients(
        _ model: Layer, _ io: SafeTensorsFile, out: Tensor, prefix: String = "grad.", rtol: Float = 2e-3,
        _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Float {
        (out * (try io.tensor("R"))).sum().backward()
        let pairs = try model.namedParameters().map { name, p in
            let ref = try io.tensor(prefix + name).scalars
            return (
                name, Array((p.grad?.scalars ?? [Float](repeating: 0, count: p.count)).prefix(ref.count)), ref
            )
        }
        // Gradients that are exactly zero in exact arithmetic (a bias a GroupNorm(32) over 32 channels erases)
        // are float noise on both sides: those compare against the largest gradient of the whole model.
        let global = pairs.map { $0.2.map(abs).max() ?? 0 }.max() ?? 0
        var worst: Float = 0
        for (name, ours, ref) in pairs {
            let scale = max(ref.map(abs).max() ?? 0, 1e-6)
            let d = zip(ours, ref).map { abs($0 - $1) }.max() ?? 0
            if scale > 1e-4 * global { worst = max(worst, d / scale) }
            expectClose(
                ours, ref, rtol: rtol, atol: max(rtol * scale, 2e-6 * global), "\(what): ∂/∂\(name)",
                sourceLocation: sourceLocation)
        }
        return worst
    }

    /// fixtures_tokens.py `hash_fill`: tensor k (state_dict order), element i ← u = frac(sin(12.9898·i +
    /// 78.233·k)·43758.5453) − ½ (Double), then 2u/√(numel/shape[0]) for rank ≥ 2, 1 + u for rank-1 weights,
    /// u for the other rank-1 tensors, rounded to Float.
    static func hashFill(_ model: Layer) {
        for (k, (name, t)) in model.namedParameters().enumerated() {
            let fan = Double(t.count / max(t.shape.first ?? 1, 1))
            let dst = t.mutableData
            for i in 0..<t.count {
                let v = sin(Double(i) * 12.9898 + Double(k) * 78.233) * 43758.5453
                var u = v - v.rounded(.down) - 0.5
                if t.rank >= 2 { u = 2 * u / fan.squareRoot() } else if name.hasSuffix("weight") { u += 1 }
                dst[i] = Float(u)
            }
        }
    }

    /// max |a − b|, for the parity numbers the tests print.
    static func maxAbsDiff(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}

@Suite struct PaellaTests {
    static func build(_ name: String) throws -> Paella {
        var rng = ArrozRandom(seed: 12)
        return try Paella(upstreamKwargs: try TokensFixtures.described(name).kwargs, rng: &rng)
    }

    @Test func stateDictNamesAndShapesMatchUpstream() throws {
        for name in ["paella_tiny", "paella_small"] {
            TokensFixtures.expectStateDict(try Self.build(name), try TokensFixtures.described(name), name)
        }
        // Spot checks of seeds.md §2.2's key list at the small config.
        let m = try Self.build("paella_small")
        let p = Dictionary(uniqueKeysWithValues: m.namedParameters().map { ($0.0, $0.1.shape) })
        #expect(p["up_blocks.0.0.depthwise.weight"] == [128, 1, 3, 3])  // deepest level: no skip
        #expect(p["up_blocks.1.0.depthwise.weight"] == [64, 2, 3, 3])  // first C of level 0 takes the skip
        #expect(p["up_blocks.1.2.depthwise.weight"] == [64, 1, 3, 3])
        #expect(p["down_blocks.1.0.1.weight"] == [128, 64, 2, 2])  // downsampler at index 0
        #expect(p["up_blocks.0.6.1.weight"] == [128, 64, 2, 2])  // ConvT upsampler last
        #expect(p["down_blocks.0.0.channelwise.2.gamma"] == [1, 1, 1, 256])
        #expect(p["out_mapper.1.weight"] == [512, 32, 1, 1])
    }

    @Test func freshInitFollowsUpstream() throws {
        let m = try Self.build("paella_small")
        let p = Dictionary(uniqueKeysWithValues: m.namedParameters())
        #expect(p["clf.1.weight"]!.scalars.allSatisfy { $0 == 0 })
        #expect(p["down_blocks.0.1.mapper.weight"]!.scalars.allSatisfy { $0 == 0 })
        #expect(p["out_mapper.1.weight"]!.scalars == p["in_mapper.0.weight"]!.scalars)  // a copy at init
        #expect(p["down_blocks.0.0.channelwise.2.gamma"]!.scalars.allSatisfy { $0 == 0 })
    }

    @Test func matchesPyTorchWithRandomWeights() throws {
        let m = try Self.build("paella_tiny")
        try m.load(from: TokensFixtures.file("paella_tiny"))
        m.eval()
        let io = try TokensFixtures.file("paella_tiny_io")
        let (x, r, byt5) = (try io.tensor("x"), try io.tensor("r"), try io.tensor("byt5"))
        let (clip, clipImage) = (try io.tensor("clip"), try io.tensor("clip_image"))
        for (name, c, ci) in [("out", clip, clipImage), ("out_clip", clip, nil), ("out_text", nil, nil)]
            as [(String, Tensor?, Tensor?)]
        {
            let y = withNoGrad { m(x, r: r, byt5: byt5, clip: c, clipImage: ci) }
            let ref = try io.tensor(name)
            print(
                "paella.Paella \(name): max |Δ| = \(TokensFixtures.maxAbsDiff(y, ref)) (max |y| \(ref.scalars.map(abs).max()!))"
            )
            expectClose(y, ref, rtol: 1e-3, atol: 2e-4, "Paella v3 \(name) vs PyTorch")
        }
        // Backward: every parameter's gradient of Σ out·R against PyTorch's.
        for p in m.trainableParameters() { p.grad = nil }
        let rel = try TokensFixtures.expectGradients(
            m, io, out: m(x, r: r, byt5: byt5, clip: clip, clipImage: clipImage), "Paella v3")
        print("paella.Paella ∂params: worst |Δ|/max|g| = \(rel)")
        // The same call through the upstream seam.
        let out = try m.callUpstream(
            "forward", ["x": x, "r": r, "byt5": byt5, "clip": clip, "clip_image": clipImage])
        #expect(out.map(\.name) == ["out"])
        expectClose(out[0].tensor, try io.tensor("out"), rtol: 1e-3, atol: 2e-4, "callUpstream forward")
    }

    @Test func lossMatchesTheDistributedScript() throws {
        let io = try TokensFixtures.file("paella_tiny_io")
        let logits = try io.tensor("loss_logits")
        logits.requiresGrad = true
        let loss = paellaLoss(
            logits: logits, targets: try io.tensor("loss_targets"), weights: try io.tensor("loss_weights"))
        expectClose([loss.item], try io.tensor("loss").scalars, rtol: 1e-5, atol: 1e-6, "paellaLoss")
        loss.backward()
        expectClose(logits.grad!, try io.tensor("loss_dlogits"), rtol: 1e-4, atol: 1e-7, "∂loss/∂logits")
    }

    @Test func lossOnAHandExample() {
        // K = 2, one image of two tokens, logits 0 everywhere: CE = ln 2 for each token whatever the smoothing.
        // Weights 1 and 0.3 → (ln2 + 0.3 ln2)/1.3 = ln 2.
        let logits = Tensor.zeros([1, 2, 1, 2])
        let l = paellaLoss(
            logits: logits, targets: Tensor([0, 1], shape: [1, 1, 2]),
            weights: Tensor([1, 0.3], shape: [1, 1, 2]))
        expectClose([l.item], [Float(log(2.0))], atol: 1e-6)
        // Logits (2, 0) for token 0 → p = (e²/(e²+1), 1/(e²+1)); smoothing 0.1: q = (0.95, 0.05).
        // CE₀ = −0.95 log p₀ − 0.05 log p₁; token 1 stays ln 2; weights (1, 0.3).
        let lg = Tensor([2, 0, 0, 0], shape: [1, 2, 1, 2])  // [N, K, H, W]: class 0 = (2, 0), class 1 = (0, 0)
        let p0 = exp(2.0) / (exp(2.0) + 1), p1 = 1 / (exp(2.0) + 1)
        let ce0 = -0.95 * log(p0) - 0.05 * log(p1)
        let expected = (ce0 + 0.3 * log(2.0)) / 1.3
        let l2 = paellaLoss(
            logits: lg, targets: Tensor([0, 1], shape: [1, 1, 2]),
            weights: Tensor([1, 0.3], shape: [1, 1, 2]))
        expectClose([l2.item], [Float(expected)], atol: 1e-6)
        #expect(tokenAccuracy(logits: lg, targets: Tensor([0, 1], shape: [1, 1, 2])) == 0.5)  // tie → argmax 0
    }

    @Test func upstreamKwargsRoundTripAndErrors() throws {
        var rng = ArrozRandom(seed: 1)
        let m = try Self.build("paella_tiny")
        let again = try Paella(upstreamKwargs: m.upstreamKwargs, rng: &rng)
        #expect(again.config == m.config)
        #expect(PaellaConfig().byt5Embd == 1536 && PaellaConfig().dropout == [0.1, 0.1, 0.1])
        #expect(throws: UpstreamError.self) {
            try Paella(upstreamKwargs: ["c_hiden": .array([.int(8)])], rng: &rng)
        }
        #expect(throws: UpstreamError.self) {
            try Paella(
                upstreamKwargs: ["c_hidden": .array([.int(8), .int(16)]), "nhead": .array([.int(-1)])],
                rng: &rng)
        }
        #expect(throws: UpstreamError.self) { try m.callUpstream("forward", ["x": Tensor.zeros([1, 8, 8])]) }
        #expect(throws: UpstreamError.self) {
            try m.callUpstream(
                "forward",
                ["x": Tensor.zeros([1, 7, 8]), "r": Tensor([0.5]), "byt5": Tensor.zeros([1, 2, 12])])
        }
        #expect(throws: UpstreamError.self) { try m.callUpstream("sample", [:]) }
    }

    @Test func evalReachesEveryDropout() throws {
        // dropout 0.1 (the upstream default) in the MLPs and the attention: eval() must switch all of them off.
        var rng = ArrozRandom(seed: 8)
        var kw = try TokensFixtures.described("paella_tiny").kwargs
        kw["dropout"] = .double(0.5)
        let m = try Paella(upstreamKwargs: kw, rng: &rng)
        TokensFixtures.hashFill(m)
        let x = Tensor.randint([1, 8, 8], low: 0, high: 32, rng: &rng)
        let r = Tensor([0.5]), byt5 = Tensor.randn([1, 3, 12], rng: &rng)
        m.eval()
        let a = withNoGrad { m(x, r: r, byt5: byt5) }, b = withNoGrad { m(x, r: r, byt5: byt5) }
        #expect(a.scalars == b.scalars)
        m.train()
        let c = withNoGrad { m(x, r: r, byt5: byt5) }
        #expect(TokensFixtures.maxAbsDiff(a, c) > 1e-4)
    }

    @Test func trainsOneBatchDown() throws {
        // A few AdamW steps on one fixed batch of noised tokens drive the loss down (gradients flow end to end).
        var rng = ArrozRandom(seed: 7)
        var kw = try TokensFixtures.described("paella_tiny").kwargs
        kw["dropout"] = .double(0)
        let m = try Paella(upstreamKwargs: kw, rng: &rng)
        let opt = AdamW(m, lr: 3e-3, weightDecay: 0)
        let x = Tensor.randint([2, 8, 8], low: 0, high: 32, rng: &rng)
        let r = Tensor([0.5, 0.5]), byt5 = Tensor.randn([2, 3, 12], rng: &rng)
        var first: Float = 0, last: Float = 0
        for i in 0..<15 {
            opt.zeroGrad()
            let loss = paellaLoss(logits: m(x, r: r, byt5: byt5), targets: x)
            if i == 0 { first = loss.item }
            last = loss.item
            loss.backward()
            opt.step()
        }
        #expect(last < 0.8 * first, "loss \(first) → \(last)")
    }
}

@Suite struct PaellaV1Tests {
    static func build(_ name: String) throws -> PaellaV1 {
        var rng = ArrozRandom(seed: 13)
        return try PaellaV1(upstreamKwargs: try TokensFixtures.described(name).kwargs, rng: &rng)
    }

    @Test func stateDictNamesAndShapesMatchUpstream() throws {
        for name in ["paella_v1_tiny", "paella_v1_small"] {
            TokensFixtures.expectStateDict(try Self.build(name), try TokensFixtures.described(name), name)
        }
        // seeds.md §2.1: 577,995,184 parameters at the paper's config (counted by the script on the meta device).
        #expect(try TokensFixtures.described("paella_v1_default").parameters == 577_995_184)
    }

    @Test func matchesPyTorchWithRandomWeights() throws {
        let m = try Self.build("paella_v1_tiny")
        try m.load(from: TokensFixtures.file("paella_v1_tiny"))
        let io = try TokensFixtures.file("paella_v1_tiny_io")
        let (x, r) = (try io.tensor("x"), try io.tensor("r"))
        for (cName, outName) in [("c", "out"), ("c_spatial", "out_spatial")] {
            let y = try m.callUpstream("forward", ["x": x, "c": try io.tensor(cName), "r": r])[0].tensor
            let ref = try io.tensor(outName)
            print(
                "paella.DenoiseUNet \(outName): max |Δ| = \(TokensFixtures.maxAbsDiff(y, ref)) (max |y| \(ref.scalars.map(abs).max()!))"
            )
            expectClose(y, ref, rtol: 1e-3, atol: 2e-4, "Paella v1 \(outName) vs PyTorch")
        }
        let rel = try TokensFixtures.expectGradients(
            m, io, out: m(x, c: try io.tensor("c_spatial"), r: r), "Paella v1")
        print("paella.DenoiseUNet ∂params: worst |Δ|/max|g| = \(rel)")
    }

    @Test func rEmbeddingEncodesTheMaskRate() {
        // γ(0) = 1 (all noise) → the §0.2 sinusoid at 10⁴; γ(1) = cos(π/2) ≈ 0 → sin ≈ 0, cos ≈ 1.
        let e = PaellaV1.rEmbedding(Tensor([0, 1]), width: 4)
        expectClose(
            Array(e.scalars[0..<4]),
            [Float(sin(10_000.0)), Float(sin(1.0)), Float(cos(10_000.0)), Float(cos(1.0))],
            atol: 2e-3)
        expectClose(Array(e.scalars[6..<8]), [1, 1], atol: 1e-4)
    }
}

// DDGTests: cclddg's UNet and Discriminator under the upstream state_dict names and shapes, PyTorch parity
// (faithful query-axis softmax and the fixed one), the GAN losses on a hand example, finite-difference R1.
import ArrozModels
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

@Suite struct DDGTests {
    static func unet(_ name: String, fixed: Bool = false) throws -> DDGUNet {
        var rng = ArrozRandom(seed: 21)
        var kw = try TokensFixtures.described(name).kwargs
        if fixed { kw["fix_attention_softmax"] = .bool(true) }
        return try DDGUNet(upstreamKwargs: kw, rng: &rng)
    }

    static func disc(_ name: String, fixed: Bool = false) throws -> DDGDiscriminator {
        var rng = ArrozRandom(seed: 22)
        var kw = try TokensFixtures.described(name).kwargs
        if fixed { kw["fix_attention_softmax"] = .bool(true) }
        return try DDGDiscriminator(upstreamKwargs: kw, rng: &rng)
    }

    @Test func stateDictNamesAndShapesMatchUpstream() throws {
        // (The script-default nets, 66 M parameters together, are checked on the PyTorch side only: too slow to
        // build in a debug test.)
        for name in ["ddg_unet_tiny", "ddg_unet_small"] {
            TokensFixtures.expectStateDict(try Self.unet(name), try TokensFixtures.described(name), name)
        }
        for name in ["ddg_disc_tiny", "ddg_disc_small"] {
            TokensFixtures.expectStateDict(try Self.disc(name), try TokensFixtures.described(name), name)
        }
        // seeds.md §3.1: 43,600,580 and 22,540,353 parameters at the script's defaults (n = 32).
        #expect(try TokensFixtures.described("ddg_unet_script").parameters == 43_600_580)
        #expect(try TokensFixtures.described("ddg_disc_script").parameters == 22_540_353)
    }

    @Test(arguments: [false, true]) func matchesPyTorchWithRandomWeights(fixed: Bool) throws {
        let sfx = fixed ? "_fixed" : ""
        let g = try Self.unet("ddg_unet_tiny", fixed: fixed)
        TokensFixtures.hashFill(g)  // the fixture's hash_fill weights (state_dict order checked above)
        let gio = try TokensFixtures.file("ddg_unet_tiny\(sfx)_io")
        let (x, t, c, z) = (
            try gio.tensor("x"), try gio.tensor("t"), try gio.tensor("c"), try gio.tensor("z")
        )
        let y = try g.callUpstream("forward", ["x": x, "t": t, "c": c, "z": z])[0].tensor
        print("cclddg.UNet\(sfx): max |Δ| = \(TokensFixtures.maxAbsDiff(y, try gio.tensor("out")))")
        expectClose(y, try gio.tensor("out"), rtol: 1e-3, atol: 1e-4, "cclddg.UNet\(sfx) vs PyTorch")
        let y0 = try g.callUpstream("forward", ["x": x, "t": t])[0].tensor  // nil c, z = zeros
        expectClose(y0, try gio.tensor("out_zero"), rtol: 1e-3, atol: 1e-4, "cclddg.UNet\(sfx) without c, z")

        let d = try Self.disc("ddg_disc_tiny", fixed: fixed)
        TokensFixtures.hashFill(d)
        let dio = try TokensFixtures.file("ddg_disc_tiny\(sfx)_io")
        let p = try d.callUpstream(
            "forward", ["x": try dio.tensor("x"), "t": try dio.tensor("t"), "c": try dio.tensor("c")])[0]
            .tensor
        print("cclddg.Discriminator\(sfx): max |Δ| = \(TokensFixtures.maxAbsDiff(p, try dio.tensor("out")))")
        expectClose(p, try dio.tensor("out"), rtol: 1e-4, atol: 1e-5, "cclddg.Discriminator\(sfx) vs PyTorch")

        // Backward: every parameter's gradient of Σ out·R against PyTorch's.
        let rg = try TokensFixtures.expectGradients(g, gio, out: g(x, t: t, c: c, z: z), "cclddg.UNet\(sfx)")
        let (xd, td, cd) = (try dio.tensor("x"), try dio.tensor("t"), try dio.tensor("c"))
        let rd = try TokensFixtures.expectGradients(
            d, dio, out: d(xd, t: td, c: cd), "cclddg.Discriminator\(sfx)")
        print("cclddg\(sfx) ∂params: worst |Δ|/max|g| UNet \(rg), Discriminator \(rd)")

        // R1 by finite differences vs PyTorch's double backward (train_cclddg.py, γ = 1, x_t = channels 0..<4).
        for q in d.trainableParameters() { q.grad = nil }
        let xt = xd.narrow(axis: 1, start: 0, length: 4).detached(),
            xtm1 = xd.narrow(axis: 1, start: 4, length: 4).detached()
        let pen = r1PenaltyFiniteDifference(x: xt, parameters: d.trainableParameters(), gamma: 1) {
            d(concat([$0, xtm1], axis: 1), t: td, c: cd)
        }
        let refPen = try dio.tensor("r1_penalty").item
        expectClose([pen], [refPen], rtol: 1e-3, atol: 1e-9, "R1 penalty value")
        let rows = try d.namedParameters().map { name, q in
            let ref = try dio.tensor("r1_grad." + name).scalars
            return (
                name, Array((q.grad?.scalars ?? [Float](repeating: 0, count: q.count)).prefix(ref.count)), ref
            )
        }
        let global = rows.map { $0.2.map(abs).max() ?? 0 }.max() ?? 0
        var worst: Float = 0, worstName = ""
        for (name, ours, ref) in rows {
            let scale = max(ref.map(abs).max() ?? 0, 1e-3 * global)  // float-noise tensors against the model's max
            let e = zip(ours, ref).map { abs($0 - $1) }.max()! / scale
            if e > worst { (worst, worstName) = (e, name) }
        }
        print(
            "cclddg\(sfx) R1: penalty \(pen) vs \(refPen); ∂P/∂θ worst |Δ|/max|g| = \(worst) (\(worstName)), max|g| \(global)"
        )
        #expect(worst < 0.02, "finite-difference R1 gradients within 2 % of PyTorch's double backward")
    }

    @Test func softmaxAxisFlagChangesTheOutput() throws {
        // The trap is real at these weights: the fixed and faithful PyTorch outputs differ.
        let a = try TokensFixtures.file("ddg_unet_tiny_io").tensor("out")
        let b = try TokensFixtures.file("ddg_unet_tiny_fixed_io").tensor("out")
        #expect(TokensFixtures.maxAbsDiff(a, b) > 1e-3)
    }

    @Test func ganLossesOnAHandExample() throws {
        // D(real) = (0.9, 0.6), D(fake) = (0.2, 0.7); x̂₀ − x₀ = (−0.5, 0, −0.5, 1).
        let real = Tensor([0.9, 0.6], shape: [2, 1]), fake = Tensor([0.2, 0.7], shape: [2, 1])
        let x0 = Tensor([1, -1, 0.5, 0], shape: [2, 2]), x0Hat = Tensor([0.5, -1, 0, 1], shape: [2, 2])
        let d = DDGLosses.discriminator(real: real, fake: fake)
        let dReal = -(log(0.9) + log(0.6)) / 2, dFake = -(log(0.8) + log(0.3)) / 2
        expectClose(
            [d.real.item, d.fake.item, d.total.item], [Float(dReal), Float(dFake), Float(dReal + dFake)],
            atol: 1e-6)
        let g = DDGLosses.generator(fake: fake, x0Hat: x0Hat, x0: x0)
        let gAdv = -(log(0.2) + log(0.7)) / 2, gRec = (0.25 + 0 + 0.25 + 1) / 4.0
        expectClose(
            [g.adversarial!.item, g.reconstruction.item, g.total.item],
            [Float(gAdv), Float(gRec), Float(gAdv + gRec)], atol: 1e-6)
        #expect(DDGLosses.generator(fake: nil, x0Hat: x0Hat, x0: x0).total.item == Float(gRec))  // warm-up
        // The same numbers from F.binary_cross_entropy / F.mse_loss (fixtures_tokens.py).
        let io = try TokensFixtures.file("ddg_losses_io")
        expectClose(
            [d.real.item, d.fake.item, g.adversarial!.item, g.reconstruction.item],
            [
                try io.tensor("loss_d_real").item, try io.tensor("loss_d_fake").item,
                try io.tensor("loss_g_adv").item,
                try io.tensor("loss_g_rec").item,
            ], atol: 1e-6, "vs PyTorch")
        // Gradient of the BCE on probabilities: ∂/∂p mean(−log p) = −1/(N·p).
        let p = Tensor([0.25, 0.5], shape: [2, 1], requiresGrad: true)
        ddgBCE(p, target: 1).backward()
        expectClose(p.grad!, [-2, -1], atol: 1e-5)
    }

    @Test func r1FiniteDifferenceMatchesTheAnalyticSecondDerivative() throws {
        // D(x) = σ(w·x + b) per row: g_n = σ'(s_n)·w, P = (γ/2N)Σ σ'_n²‖w‖²,
        // ∂P/∂w = (γ/N)Σ_n [σ'_n σ''_n ‖w‖² x_n + σ'_n² w],  ∂P/∂b = (γ/N)Σ_n σ'_n σ''_n ‖w‖²,  σ'' = σ'(1 − 2σ).
        var rng = ArrozRandom(seed: 5)
        let lin = Linear(6, 1, rng: &rng)
        let x = Tensor.randn([3, 6], rng: &rng)
        let gamma: Float = 0.7
        let pre = Tensor.ones([6])  // a gradient already there stays
        lin.weight.grad = Tensor(pre.scalars, shape: [1, 6])
        let P = r1PenaltyFiniteDifference(x: x, parameters: [lin.weight, lin.bias!], gamma: gamma) {
            lin($0).sigmoid()
        }
        let w = lin.weight.scalars.map(Double.init), b = Double(lin.bias!.item),
            xs = x.scalars.map(Double.init)
        let w2 = w.reduce(0) { $0 + $1 * $1 }
        var dw = [Double](repeating: 0, count: 6), db = 0.0, pen = 0.0
        for n in 0..<3 {
            let s = (0..<6).reduce(b) { $0 + w[$1] * xs[n * 6 + $1] }
            let sg = 1 / (1 + exp(-s)), d1 = sg * (1 - sg), d2 = d1 * (1 - 2 * sg)
            pen += d1 * d1 * w2
            for k in 0..<6 { dw[k] += d1 * d2 * w2 * xs[n * 6 + k] + d1 * d1 * w[k] }
            db += d1 * d2 * w2
        }
        let g = Double(gamma)
        expectClose([P], [Float(g / 6 * pen)], rtol: 1e-4, atol: 1e-7, "R1 value")
        expectClose(
            lin.weight.grad!, dw.map { Float(1 + g / 3 * $0) }, rtol: 1e-3, atol: 1e-5,
            "∂P/∂w (+ the 1 already there)")
        expectClose(lin.bias!.grad!, [Float(g / 3 * db)], rtol: 1e-3, atol: 1e-5, "∂P/∂b")
    }

    @Test func kwargsRoundTripAndErrors() throws {
        var rng = ArrozRandom(seed: 3)
        let g = try Self.unet("ddg_unet_tiny")
        #expect(try DDGUNet(upstreamKwargs: g.upstreamKwargs, rng: &rng).config == g.config)
        let d = try Self.disc("ddg_disc_tiny")
        #expect(try DDGDiscriminator(upstreamKwargs: d.upstreamKwargs, rng: &rng).config == d.config)
        #expect(d.upstreamKwargs["z_dim"] == nil)
        #expect(throws: UpstreamError.self) {
            try DDGDiscriminator(upstreamKwargs: ["z_dim": .int(4)], rng: &rng)
        }
        #expect(throws: UpstreamError.self) {
            try DDGUNet(upstreamKwargs: ["n_channels": .int(48)], rng: &rng)
        }
        #expect(throws: UpstreamError.self) {
            try g.callUpstream("forward", ["x": Tensor.zeros([1, 4, 7, 8]), "t": Tensor([1])])
        }
        #expect(throws: UpstreamError.self) {
            try g.callUpstream("forward", ["x": Tensor.zeros([1, 4, 8, 8])])
        }
    }

    @Test func generatorAndDiscriminatorTrain() throws {
        // One fixed batch: AdamW on the reconstruction loss drives it down; D's BCE on (real, fake) goes down too.
        var rng = ArrozRandom(seed: 9)
        var kw = try TokensFixtures.described("ddg_unet_tiny").kwargs
        kw["n_channels"] = .int(32)
        let g = try DDGUNet(upstreamKwargs: kw, rng: &rng)
        let opt = AdamW(g, lr: 1e-3, weightDecay: 0)
        let x = Tensor.randn([2, 4, 8, 8], rng: &rng), x0 = Tensor.randn([2, 4, 8, 8], rng: &rng) * 0.5
        let t = Tensor([1, 3]), z = Tensor.randn([2, 8], rng: &rng)
        var first: Float = 0, last: Float = 0
        for i in 0..<12 {
            opt.zeroGrad()
            let l = DDGLosses.generator(fake: nil, x0Hat: g(x, t: t, z: z), x0: x0).total
            if i == 0 { first = l.item }
            last = l.item
            l.backward()
            opt.step()
        }
        #expect(last < 0.8 * first, "G reconstruction \(first) → \(last)")
    }

    @Test func registryBuildsEveryTokensClassAndRunsTheSmallConfigs() throws {
        // Through the registry, as the import/forward commands will: seeds.md §6's small configs, one forward each.
        var rng = ArrozRandom(seed: 30)
        let paella = try UpstreamRegistry.lookup("paella.Paella")
            .init(upstreamKwargs: PaellaConfig.small.upstreamKwargs, rng: &rng)
        let p = try paella.callUpstream(
            "forward",
            [
                "x": Tensor.zeros([1, 8, 8]), "r": Tensor([1]), "byt5": Tensor.randn([1, 4, 384], rng: &rng),
                "clip": Tensor.randn([1, 384], rng: &rng),
            ])
        #expect(p[0].tensor.shape == [1, 512, 8, 8])
        let v1 = try UpstreamRegistry.lookup("paella.DenoiseUNet")
            .init(upstreamKwargs: PaellaV1Config.small.upstreamKwargs, rng: &rng)
        let q = try v1.callUpstream(
            "forward",
            ["x": Tensor.zeros([1, 8, 8]), "c": Tensor.randn([1, 384], rng: &rng), "r": Tensor([0])])
        #expect(q[0].tensor.shape == [1, 512, 8, 8])
        let g = try UpstreamRegistry.lookup("cclddg.UNet")
            .init(upstreamKwargs: DDGConfig.smallGenerator.upstreamKwargs(generator: true), rng: &rng)
        let x = Tensor.randn([2, 4, 8, 8], rng: &rng)
        let y = try g.callUpstream(
            "forward", ["x": x, "t": Tensor([4, 1]), "c": Tensor.randn([2, 384], rng: &rng)])
        #expect(y[0].tensor.shape == [2, 4, 8, 8])
        let d = try UpstreamRegistry.lookup("cclddg.Discriminator")
            .init(upstreamKwargs: DDGConfig.smallDiscriminator.upstreamKwargs(generator: false), rng: &rng)
        let o = try d.callUpstream(
            "forward", ["x": concat([x, y[0].tensor], axis: 1), "t": Tensor([4, 1])])
        #expect(o[0].tensor.shape == [2, 1] && o[0].tensor.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(g.parameterCount == 2_332_516 - 512 * 64 + 384 * 64)  // seeds.md §6's 2.33 M, CLOOB input 384
    }

    @Test func groupNorm32ErasesTheConditioningOfA32WideNet() throws {
        // A 32-wide cclddg net: GroupNorm(32) normalises each channel alone, removing cond_emb's per-channel bias,
        // so c and z change nothing (float noise only); n_groups 8 (ours) lets them through.
        var rng = ArrozRandom(seed: 31)
        let x = Tensor.randn([2, 4, 8, 8], rng: &rng), t = Tensor([1, 3])
        let c = Tensor.randn([2, 16], rng: &rng), z = Tensor.randn([2, 8], rng: &rng)
        var effect: [Int: Float] = [:]
        for groups in [32, 8] {
            let kw: [String: UpstreamValue] = [
                "image_channels": .int(4), "n_channels": .int(32), "ch_mults": .array([.int(1), .int(1)]),
                "is_attn": .array([.bool(false), .bool(true)]), "n_blocks": .int(1), "cloob_dim": .int(16),
                "n_groups": .int(groups),
            ]
            let g = try DDGUNet(upstreamKwargs: kw, rng: &rng)
            TokensFixtures.hashFill(g)
            let a = withNoGrad { g(x, t: t, c: c, z: z) }, b = withNoGrad { g(x, t: t) }
            effect[groups] = TokensFixtures.maxAbsDiff(a, b)
        }
        #expect(effect[32]! < 1e-4, "n_groups 32: conditioning moved the output by \(effect[32]!)")
        #expect(effect[8]! > 1e-2, "n_groups 8: conditioning moved the output by only \(effect[8]!)")
    }
}

// DDG+Upstream: `cclddg.UNet` and `cclddg.Discriminator` for import / forward / export.
import ArrozNN
import ArrozTensor

extension DDGConfig {
    /// Reads `UNet(...)` (`generator: true`) or `Discriminator(...)` kwargs; absent ones take the upstream
    /// defaults. The Discriminator has no z arguments.
    public init(upstreamKwargs kw: [String: UpstreamValue], generator: Bool) throws {
        let name = generator ? DDGUNet.upstreamClass : DDGDiscriminator.upstreamClass
        var r = SeedKwargs(name, kw)
        var c = DDGConfig()
        c.imageChannels = try r.int("image_channels", c.imageChannels)
        c.nChannels = try r.int("n_channels", c.nChannels)
        c.chMults = try r.ints("ch_mults", c.chMults)
        c.isAttn = try r.ints("is_attn", c.isAttn)
        c.nBlocks = try r.int("n_blocks", c.nBlocks)
        if generator {
            c.useZ = try r.bool("use_z", c.useZ)
            c.zDim = try r.int("z_dim", c.zDim)
            c.nZChannels = try r.int("n_z_channels", c.nZChannels)
        }
        c.useCloob = try r.bool("use_cloob", c.useCloob)
        c.nCloobChannels = try r.int("n_cloob_channels", c.nCloobChannels)
        c.nTimeChannels = try r.int("n_time_channels", c.nTimeChannels)
        c.denomFactor = try r.int("denom_factor", c.denomFactor)
        c.cloobDim = try r.int("cloob_dim", c.cloobDim)
        c.fixAttentionSoftmax = try r.bool("fix_attention_softmax", c.fixAttentionSoftmax)
        c.nGroups = try r.int("n_groups", c.nGroups)
        try r.finish()
        do { try c.validate() } catch let e as ModelConfigError {
            throw UpstreamError.badKwarg(class: name, name: "config", expected: e.description)
        }
        self = c
    }

    /// Every kwarg, defaults included (the z ones only for the generator).
    public func upstreamKwargs(generator: Bool) -> [String: UpstreamValue] {
        var kw: [String: UpstreamValue] = [
            "image_channels": .int(imageChannels), "n_channels": .int(nChannels),
            "ch_mults": .array(chMults.map { .int($0) }), "is_attn": .array(isAttn.map { .bool($0 != 0) }),
            "n_blocks": .int(nBlocks), "use_cloob": .bool(useCloob), "n_cloob_channels": .int(nCloobChannels),
            "n_time_channels": .int(nTimeChannels), "denom_factor": .int(denomFactor),
            "cloob_dim": .int(cloobDim),
            "fix_attention_softmax": .bool(fixAttentionSoftmax), "n_groups": .int(nGroups),
        ]
        if generator {
            kw["use_z"] = .bool(useZ)
            kw["z_dim"] = .int(zDim)
            kw["n_z_channels"] = .int(nZChannels)
        }
        return kw
    }

    /// Checks the shared inputs of both forwards: `x` `[N, image_channels, H, W]`, `t` `[N]`, optional `c`.
    func checkInputs(_ inputs: [String: Tensor], method m: String) throws -> (
        x: Tensor, t: Tensor, c: Tensor?
    ) {
        let g = sizeMultiple
        let xs = "[N, \(imageChannels), H, W] with H and W multiples of \(g)"
        let x = try SeedInputs.required(inputs, m, "x", xs)
        try SeedInputs.check(x, m, "x", xs) {
            $0.count == 4 && $0[0] > 0 && $0[1] == imageChannels && $0[2] > 0 && $0[3] > 0 && $0[2] % g == 0
                && $0[3] % g == 0
        }
        let N = x.shape[0]
        let t = try SeedInputs.required(inputs, m, "t", "[\(N)]")
        try SeedInputs.check(t, m, "t", "[\(N)]") { $0 == [N] }
        if let c = inputs["c"] {
            try SeedInputs.check(c, m, "c", "[\(N), \(cloobDim)]") { $0 == [N, cloobDim] }
        }
        return (x, t, inputs["c"])
    }
}

extension DDGUNet: UpstreamModel {
    public static var upstreamClass: String { "cclddg.UNet" }
    public static var upstreamMethods: [String] { ["forward"] }

    public convenience init(upstreamKwargs: [String: UpstreamValue], rng: inout ArrozRandom) throws {
        self.init(try DDGConfig(upstreamKwargs: upstreamKwargs, generator: true), rng: &rng)
    }

    public var upstreamKwargs: [String: UpstreamValue] { config.upstreamKwargs(generator: true) }

    /// `forward(x, t, c=None, z=None)` → `out` x̂₀ `[N, image_channels, H, W]`; absent c and z are zeros.
    public func callUpstream(_ method: String, _ inputs: [String: Tensor]) throws -> [UpstreamOutput] {
        guard method == "forward" else {
            throw UpstreamError.unknownMethod(
                class: Self.upstreamClass, name: method, known: Self.upstreamMethods)
        }
        let m = "cclddg.UNet.forward"
        let (x, t, c) = try config.checkInputs(inputs, method: m)
        let N = x.shape[0]
        if let z = inputs["z"] {
            try SeedInputs.check(z, m, "z", "[\(N), \(config.zDim)]") { $0 == [N, config.zDim] }
        }
        let was = isTraining
        eval()
        defer { isTraining = was }
        return [UpstreamOutput("out", withNoGrad { self(x, t: t, c: c, z: inputs["z"]) })]
    }
}

extension DDGDiscriminator: UpstreamModel {
    public static var upstreamClass: String { "cclddg.Discriminator" }
    public static var upstreamMethods: [String] { ["forward"] }

    public convenience init(upstreamKwargs: [String: UpstreamValue], rng: inout ArrozRandom) throws {
        self.init(try DDGConfig(upstreamKwargs: upstreamKwargs, generator: false), rng: &rng)
    }

    public var upstreamKwargs: [String: UpstreamValue] { config.upstreamKwargs(generator: false) }

    /// `forward(x, t, c=None)` → `out` `[N, 1]` probabilities.
    public func callUpstream(_ method: String, _ inputs: [String: Tensor]) throws -> [UpstreamOutput] {
        guard method == "forward" else {
            throw UpstreamError.unknownMethod(
                class: Self.upstreamClass, name: method, known: Self.upstreamMethods)
        }
        let (x, t, c) = try config.checkInputs(inputs, method: "cclddg.Discriminator.forward")
        let was = isTraining
        eval()
        defer { isTraining = was }
        return [UpstreamOutput("out", withNoGrad { self(x, t: t, c: c) })]
    }
}

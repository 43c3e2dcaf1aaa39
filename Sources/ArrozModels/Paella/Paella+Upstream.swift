// Paella+Upstream: `paella.Paella` for import / forward / export — upstream kwargs in, `forward` on named tensors.
import ArrozNN
import ArrozTensor

extension PaellaConfig {
    /// Reads `Paella(...)`'s kwargs; absent ones take the upstream defaults.
    public init(upstreamKwargs kw: [String: UpstreamValue]) throws {
        var r = SeedKwargs(Paella.upstreamClass, kw)
        var c = PaellaConfig()
        c.cIn = try r.int("c_in", c.cIn)
        c.cOut = try r.int("c_out", c.cOut)
        c.numLabels = try r.int("num_labels", c.numLabels)
        c.cR = try r.int("c_r", c.cR)
        c.patchSize = try r.int("patch_size", c.patchSize)
        c.cCond = try r.int("c_cond", c.cCond)
        c.cHidden = try r.ints("c_hidden", c.cHidden)
        c.nhead = try r.ints("nhead", c.nhead)
        c.blocks = try r.ints("blocks", c.blocks)
        c.levelConfig = try r.strings("level_config", c.levelConfig)
        c.clipEmbd = try r.int("clip_embd", c.clipEmbd)
        c.byt5Embd = try r.int("byt5_embd", c.byt5Embd)
        c.clipSeqLen = try r.int("clip_seq_len", c.clipSeqLen)
        c.kernelSize = try r.int("kernel_size", c.kernelSize)
        c.dropout = try r.doubles("dropout", 0.1, count: c.cHidden.count)
        c.selfAttn = try r.bool("self_attn", c.selfAttn)
        try r.finish()
        do { try c.validate() } catch let e as ModelConfigError {
            throw UpstreamError.badKwarg(class: Paella.upstreamClass, name: "config", expected: e.description)
        }
        self = c
    }

    /// Every kwarg, defaults included.
    public var upstreamKwargs: [String: UpstreamValue] {
        [
            "c_in": .int(cIn), "c_out": .int(cOut), "num_labels": .int(numLabels), "c_r": .int(cR),
            "patch_size": .int(patchSize), "c_cond": .int(cCond),
            "c_hidden": .array(cHidden.map { .int($0) }),
            "nhead": .array(nhead.map { .int($0) }), "blocks": .array(blocks.map { .int($0) }),
            "level_config": .array(levelConfig.map { .string($0) }), "clip_embd": .int(clipEmbd),
            "byt5_embd": .int(byt5Embd), "clip_seq_len": .int(clipSeqLen), "kernel_size": .int(kernelSize),
            "dropout": .array(dropout.map { .double($0) }), "self_attn": .bool(selfAttn),
        ]
    }
}

extension Paella: UpstreamModel {
    public static var upstreamClass: String { "paella.Paella" }
    public static var upstreamMethods: [String] { ["forward"] }

    public convenience init(upstreamKwargs: [String: UpstreamValue], rng: inout ArrozRandom) throws {
        self.init(try PaellaConfig(upstreamKwargs: upstreamKwargs), rng: &rng)
    }

    public var upstreamKwargs: [String: UpstreamValue] { config.upstreamKwargs }

    /// `forward(x, r, byt5, clip=None, clip_image=None)`: `x` `[N, H, W]` token indices, `r` `[N]`,
    /// `byt5` `[N, S, byt5_embd]`, `clip` / `clip_image` `[N, clip_embd]` → `out` `[N, num_labels, H, W]`.
    public func callUpstream(_ method: String, _ inputs: [String: Tensor]) throws -> [UpstreamOutput] {
        guard method == "forward" else {
            throw UpstreamError.unknownMethod(
                class: Self.upstreamClass, name: method, known: Self.upstreamMethods)
        }
        let c = config, m = "paella.Paella.forward", g = c.gridMultiple
        let xs = "[N, H, W] indices in 0..<\(c.numLabels), H and W multiples of \(g)"
        let x = try SeedInputs.required(inputs, m, "x", xs)
        try SeedInputs.check(x, m, "x", xs) {
            $0.count == 3 && $0[0] > 0 && $0[1] % g == 0 && $0[2] % g == 0 && $0[1] > 0 && $0[2] > 0
        }
        guard SeedInputs.areIndices(x, below: c.numLabels) else {
            throw UpstreamError.badInput(method: m, name: "x", shape: x.shape, expected: xs)
        }
        let N = x.shape[0]
        let r = try SeedInputs.required(inputs, m, "r", "[\(N)]")
        try SeedInputs.check(r, m, "r", "[\(N)]") { $0 == [N] }
        let bs = "[\(N), S, \(c.byt5Embd)] with S ≥ 1"
        let byt5 = try SeedInputs.required(inputs, m, "byt5", bs)
        try SeedInputs.check(byt5, m, "byt5", bs) {
            $0.count == 3 && $0[0] == N && $0[1] > 0 && $0[2] == c.byt5Embd
        }
        for name in ["clip", "clip_image"] {
            if let e = inputs[name] {
                try SeedInputs.check(e, m, name, "[\(N), \(c.clipEmbd)]") { $0 == [N, c.clipEmbd] }
            }
        }
        let was = isTraining
        eval()
        defer { isTraining = was }
        let y = withNoGrad {
            self(x, r: r, byt5: byt5, clip: inputs["clip"], clipImage: inputs["clip_image"])
        }
        return [UpstreamOutput("out", y)]
    }
}

// ArrozUpstream: the Arroz Con Cosas classes (`arroz.DiffusionModel`, `arroz.DiffusionModelAttn`,
// `arroz.PriorModel`, `arroz.VQModel`) behind `UpstreamModel`: constructor kwargs by upstream name and default,
// methods on named tensors.
import ArrozNN
import ArrozTensor

/// Runs `body` in eval mode without grad, restoring the mode after.
func upstreamCall<T>(_ layer: any Layer, _ body: () throws -> T) rethrows -> T {
    let was = layer.isTraining
    layer.eval()
    defer { layer.setTraining(was) }
    return try withNoGrad(body)
}

extension ArrozConfig {
    /// `DiffusionModel(c_hidden, c_r, c_embd, down_levels, up_levels)` (v1) as an ``ArrozConfig``: 4 latent
    /// channels (the seed hard-codes them).
    static func upstream(
        _ k: UpstreamKwargs, downDefault: [Int], upDefault: [Int], v5: Bool
    ) throws -> ArrozConfig {
        var c = ArrozConfig()
        c.inChannels = 4
        c.hidden = try k.int("c_hidden", 1280)
        c.rEmbedding = try k.int("c_r", 64, minimum: 4)
        c.conditionDimension = try k.int("c_embd", 1024)
        c.downLevels = try k.ints("down_levels", downDefault, minimum: 0)
        c.upLevels = try k.ints("up_levels", upDefault, minimum: 0)
        let L = c.downLevels.count
        c.imageSize = 8 << (L - 1)
        if v5 {
            let seed = ArrozV5Options.seed
            c.v5 = ArrozV5Options(
                downAttention: try k.intLists("down_attn", seed.downAttention),
                upAttention: try k.intLists("up_attn", seed.upAttention))
        }
        guard c.rEmbedding % 2 == 0 else {
            throw UpstreamError.badKwarg(class: k.className, name: "c_r", expected: "an even integer ≥ 4")
        }
        guard c.upLevels.count == L else {
            throw UpstreamError.badKwarg(
                class: k.className, name: "up_levels", expected: "a list as long as down_levels (\(L))")
        }
        guard c.hidden % (1 << (L - 1)) == 0 else {
            throw UpstreamError.badKwarg(
                class: k.className, name: "c_hidden", expected: "a multiple of 2^(levels−1) = \(1 << (L - 1))")
        }
        guard c.upLevels.dropFirst().allSatisfy({ $0 >= 1 }) else {
            throw UpstreamError.badKwarg(
                class: k.className, name: "up_levels", expected: "≥ 1 block in every level after the first")
        }
        if let v = c.v5 {
            guard v.downAttention.count >= L, v.upAttention.count >= L else {
                throw UpstreamError.badKwarg(
                    class: k.className, name: v.downAttention.count < L ? "down_attn" : "up_attn",
                    expected: "one list of block indices per level (\(L))")
            }
            c.v5 = ArrozV5Options(downAttention: Array(v.downAttention.prefix(L)),
                                  upAttention: Array(v.upAttention.prefix(L)), heads: v.heads)
            guard c.levelChannels.allSatisfy({ $0 % v.heads == 0 }) else {
                throw UpstreamError.badKwarg(
                    class: k.className, name: "c_hidden",
                    expected: "level widths divisible by the \(v.heads) attention heads")
            }
        }
        return c
    }

    var upstreamKwargs: [String: UpstreamValue] {
        var k: [String: UpstreamValue] = [
            "c_hidden": .int(hidden), "c_r": .int(rEmbedding), "c_embd": .int(conditionDimension),
            "down_levels": .ints(downLevels), "up_levels": .ints(upLevels),
        ]
        if let v5 {
            k["down_attn"] = .array(v5.downAttention.map { .ints($0) })
            k["up_attn"] = .array(v5.upAttention.map { .ints($0) })
        }
        return k
    }
}

extension ArrozGenerator {
    /// `forward(x, r, c)` with the inputs checked.
    func upstreamForward(_ method: String, _ inputs: [String: Tensor], className: String) throws -> [UpstreamOutput] {
        try UpstreamInputs.requireMethod(method, of: className, known: ["forward"])
        let m = 1 << (config.downLevels.count - 1)
        let x = try UpstreamInputs.require(
            inputs, "x", method: method, rank: 4, fixed: [1: config.inChannels],
            describe: "[N, \(config.inChannels), H, W] noised latents, H and W multiples of \(m)")
        guard x.shape[2] % m == 0, x.shape[3] % m == 0 else {
            throw UpstreamError.badInput(method: method, name: "x", shape: x.shape,
                                         expected: "H and W multiples of \(m)")
        }
        let n = x.shape[0]
        let r = try UpstreamInputs.require(inputs, "r", method: method, rank: 1, fixed: [0: n],
                                           describe: "[\(n)] noise levels in [0, 1]")
        let c = try UpstreamInputs.require(inputs, "c", method: method, rank: 2,
                                           fixed: [0: n, 1: config.conditionDimension],
                                           describe: "[\(n), \(config.conditionDimension)] embeddings")
        return upstreamCall(self) { [UpstreamOutput("out", self(x, r: r, c: c))] }
    }
}

/// `arroz.DiffusionModel` (v1, `arroz/modules.py`) is ``ArrozGenerator`` itself.
extension ArrozGenerator: UpstreamModel {
    public static var upstreamClass: String { "arroz.DiffusionModel" }
    public static var upstreamMethods: [String] { ["forward"] }
    static let kwargNames = ["c_hidden", "c_r", "c_embd", "down_levels", "up_levels"]

    public convenience init(upstreamKwargs: [String: UpstreamValue], rng: inout ArrozRandom) throws {
        let k = try UpstreamKwargs(Self.upstreamClass, upstreamKwargs, known: Self.kwargNames)
        let c = try ArrozConfig.upstream(k, downDefault: [4, 12, 16], upDefault: [16, 12, 4], v5: false)
        self.init(c, rng: &rng)
    }

    public var upstreamKwargs: [String: UpstreamValue] { config.upstreamKwargs }

    public func callUpstream(_ method: String, _ inputs: [String: Tensor]) throws -> [UpstreamOutput] {
        try upstreamForward(method, inputs, className: Self.upstreamClass)
    }
}

/// `arroz.DiffusionModelAttn` (the package's name for `arroz/modules_attn.py`'s `DiffusionModel`, "v5
/// 1B+ATTN"): an ``ArrozGenerator`` with `config.v5`, under the same state_dict names.
public final class ArrozGeneratorV5: UpstreamModel {
    public let generator: ArrozGenerator
    public var isTraining = false

    public init(_ generator: ArrozGenerator) {
        precondition(generator.config.v5 != nil, "ArrozGeneratorV5: the generator has no v5 options")
        self.generator = generator
    }

    public static var upstreamClass: String { "arroz.DiffusionModelAttn" }
    public static var upstreamMethods: [String] { ["forward"] }

    public convenience init(upstreamKwargs: [String: UpstreamValue], rng: inout ArrozRandom) throws {
        let k = try UpstreamKwargs(Self.upstreamClass, upstreamKwargs,
                                   known: ArrozGenerator.kwargNames + ["down_attn", "up_attn"])
        let c = try ArrozConfig.upstream(k, downDefault: [1, 2, 8, 32], upDefault: [32, 8, 2, 1], v5: true)
        self.init(ArrozGenerator(c, rng: &rng))
    }

    public var upstreamKwargs: [String: UpstreamValue] { generator.config.upstreamKwargs }
    public func visitChildren(_ visit: (String, any Layer) -> Void) { visit("", generator) }

    public func callUpstream(_ method: String, _ inputs: [String: Tensor]) throws -> [UpstreamOutput] {
        try generator.upstreamForward(method, inputs, className: Self.upstreamClass)
    }
}

/// `arroz.PriorModel(clip_r=1024, c_hidden=1280, c_r=64, num_blocks=48)`; `forward(x, r, c)`.
extension ArrozPrior: UpstreamModel {
    public static var upstreamClass: String { "arroz.PriorModel" }
    public static var upstreamMethods: [String] { ["forward"] }

    public convenience init(upstreamKwargs: [String: UpstreamValue], rng: inout ArrozRandom) throws {
        let k = try UpstreamKwargs(Self.upstreamClass, upstreamKwargs,
                                   known: ["clip_r", "c_hidden", "c_r", "num_blocks"])
        var c = ArrozPriorConfig()
        c.embeddingDimension = try k.int("clip_r", 1024)
        c.hidden = try k.int("c_hidden", 1280)
        c.rEmbedding = try k.int("c_r", 64, minimum: 4)
        c.blocks = try k.int("num_blocks", 48)
        guard c.rEmbedding % 2 == 0 else {
            throw UpstreamError.badKwarg(class: k.className, name: "c_r", expected: "an even integer ≥ 4")
        }
        self.init(c, rng: &rng)
    }

    public var upstreamKwargs: [String: UpstreamValue] {
        ["clip_r": .int(config.embeddingDimension), "c_hidden": .int(config.hidden), "c_r": .int(config.rEmbedding),
         "num_blocks": .int(config.blocks)]
    }

    public func callUpstream(_ method: String, _ inputs: [String: Tensor]) throws -> [UpstreamOutput] {
        try UpstreamInputs.requireMethod(method, of: Self.upstreamClass, known: Self.upstreamMethods)
        let D = config.embeddingDimension
        let x = try UpstreamInputs.require(inputs, "x", method: method, rank: 2, fixed: [1: D],
                                           describe: "[N, \(D)] noised image embeddings")
        let n = x.shape[0]
        let r = try UpstreamInputs.require(inputs, "r", method: method, rank: 1, fixed: [0: n],
                                           describe: "[\(n)] noise levels in [0, 1]")
        let c = try UpstreamInputs.require(inputs, "c", method: method, rank: 2, fixed: [0: n, 1: D],
                                           describe: "[\(n), \(D)] text embeddings")
        return upstreamCall(self) { [UpstreamOutput("out", self(x, r: r, c: c))] }
    }
}

/// Shared input checks of the two VQ models.
enum VQUpstream {
    static func image(_ inputs: [String: Tensor], method: String, factor: Int) throws -> Tensor {
        let x = try UpstreamInputs.require(
            inputs, "x", method: method, rank: 4, fixed: [1: 3],
            describe: "[N, 3, H, W] images, H and W multiples of \(factor)")
        guard x.shape[2] % factor == 0, x.shape[3] % factor == 0 else {
            throw UpstreamError.badInput(method: method, name: "x", shape: x.shape,
                                         expected: "H and W multiples of \(factor)")
        }
        return x
    }

    static func latent(_ inputs: [String: Tensor], method: String, channels: Int) throws -> Tensor {
        try UpstreamInputs.require(inputs, "x", method: method, rank: 4, fixed: [1: channels],
                                   describe: "[N, \(channels), h, w] latents")
    }

    static func indices(_ inputs: [String: Tensor], method: String, codebook: Int) throws -> Tensor {
        let x = try UpstreamInputs.require(inputs, "x", method: method, rank: 3,
                                           describe: "[N, h, w] code indices in 0..<\(codebook)")
        try UpstreamInputs.requireIndices(x, "x", method: method, upper: codebook)
        return x
    }
}

/// `arroz.VQModel(levels=3, bottleneck_blocks=32, c_hidden=480, c_latent=4, codebook_size=8192)`.
/// Methods: `encode(x)` → `((x, qe), commit_loss, indices)` = `out.0.0`, `out.0.1`, `out.1`, `out.2` (I64);
/// `decode(x)`; `forward(x)` → `(x, commit_loss)`; `decode_indices(x)` (ours: lookup + decode).
extension ArrozVQModel: UpstreamModel {
    public static var upstreamClass: String { "arroz.VQModel" }
    public static var upstreamMethods: [String] { ["forward", "encode", "decode", "decode_indices"] }

    public convenience init(upstreamKwargs: [String: UpstreamValue], rng: inout ArrozRandom) throws {
        let k = try UpstreamKwargs(Self.upstreamClass, upstreamKwargs,
                                   known: ["levels", "bottleneck_blocks", "c_hidden", "c_latent", "codebook_size"])
        var c = ArrozVQConfig()
        c.levels = try k.int("levels", 3)
        c.bottleneckBlocks = try k.int("bottleneck_blocks", 32)
        c.hidden = try k.int("c_hidden", 480)
        c.latentChannels = try k.int("c_latent", 4)
        c.codebookSize = try k.int("codebook_size", 8192)
        guard c.levels <= 8 else { throw UpstreamError.badKwarg(class: k.className, name: "levels", expected: "1…8") }
        guard c.hidden % (1 << (c.levels - 1)) == 0 else {
            throw UpstreamError.badKwarg(class: k.className, name: "c_hidden",
                                         expected: "a multiple of 2^(levels−1) = \(1 << (c.levels - 1))")
        }
        self.init(c, rng: &rng)
    }

    public var upstreamKwargs: [String: UpstreamValue] {
        ["levels": .int(config.levels), "bottleneck_blocks": .int(config.bottleneckBlocks),
         "c_hidden": .int(config.hidden), "c_latent": .int(config.latentChannels),
         "codebook_size": .int(config.codebookSize)]
    }

    public func callUpstream(_ method: String, _ inputs: [String: Tensor]) throws -> [UpstreamOutput] {
        try UpstreamInputs.requireMethod(method, of: Self.upstreamClass, known: Self.upstreamMethods)
        switch method {
        case "encode":
            let x = try VQUpstream.image(inputs, method: method, factor: config.downsamplingFactor)
            return upstreamCall(self) {
                let e = encode(x)
                return [UpstreamOutput("out.0.0", e.latent), UpstreamOutput("out.0.1", e.quantized),
                        UpstreamOutput("out.1", e.vq.commitLoss), UpstreamOutput("out.2", e.indices, isInteger: true)]
            }
        case "decode":
            let z = try VQUpstream.latent(inputs, method: method, channels: config.latentChannels)
            return upstreamCall(self) { [UpstreamOutput("out", decode(z))] }
        case "decode_indices":
            let i = try VQUpstream.indices(inputs, method: method, codebook: config.codebookSize)
            return upstreamCall(self) { [UpstreamOutput("out", decodeIndices(i))] }
        default:
            let x = try VQUpstream.image(inputs, method: method, factor: config.downsamplingFactor)
            return upstreamCall(self) {
                let (y, e) = self(x)
                return [UpstreamOutput("out.0", y), UpstreamOutput("out.1", e.vq.commitLoss)]
            }
        }
    }
}

/// `paella.VQModel(levels=2, bottleneck_blocks=12, c_hidden=384, c_latent=4, codebook_size=8192,
/// scale_factor=0.3764)` (Paella `src/vqgan.py`). Methods: `encode(x)` → `(qe/s, x/s, indices, loss)` =
/// `out.0` … `out.3` (`out.2` I64); `decode(x)`; `decode_indices(x)`; `forward(x)` → `(x, loss)`.
extension PaellaVQModel: UpstreamModel {
    public static var upstreamClass: String { "paella.VQModel" }
    public static var upstreamMethods: [String] { ["forward", "encode", "decode", "decode_indices"] }

    public convenience init(upstreamKwargs: [String: UpstreamValue], rng: inout ArrozRandom) throws {
        let k = try UpstreamKwargs(
            Self.upstreamClass, upstreamKwargs,
            known: ["levels", "bottleneck_blocks", "c_hidden", "c_latent", "codebook_size", "scale_factor"])
        var c = PaellaVQConfig()
        c.levels = try k.int("levels", 2)
        c.bottleneckBlocks = try k.int("bottleneck_blocks", 12)
        c.hidden = try k.int("c_hidden", 384)
        c.latentChannels = try k.int("c_latent", 4)
        c.codebookSize = try k.int("codebook_size", 8192)
        c.scaleFactor = Float(try k.double("scale_factor", 0.3764, positive: true))
        guard c.levels <= 8 else { throw UpstreamError.badKwarg(class: k.className, name: "levels", expected: "1…8") }
        guard c.hidden % (1 << (c.levels - 1)) == 0 else {
            throw UpstreamError.badKwarg(class: k.className, name: "c_hidden",
                                         expected: "a multiple of 2^(levels−1) = \(1 << (c.levels - 1))")
        }
        self.init(c, rng: &rng)
    }

    public var upstreamKwargs: [String: UpstreamValue] {
        ["levels": .int(config.levels), "bottleneck_blocks": .int(config.bottleneckBlocks),
         "c_hidden": .int(config.hidden), "c_latent": .int(config.latentChannels),
         "codebook_size": .int(config.codebookSize), "scale_factor": .double(Double(config.scaleFactor))]
    }

    public func callUpstream(_ method: String, _ inputs: [String: Tensor]) throws -> [UpstreamOutput] {
        try UpstreamInputs.requireMethod(method, of: Self.upstreamClass, known: Self.upstreamMethods)
        switch method {
        case "encode":
            let x = try VQUpstream.image(inputs, method: method, factor: config.downsamplingFactor)
            return upstreamCall(self) {
                let e = encode(x)
                return [UpstreamOutput("out.0", e.quantized), UpstreamOutput("out.1", e.latent),
                        UpstreamOutput("out.2", e.indices, isInteger: true), UpstreamOutput("out.3", e.vq.loss)]
            }
        case "decode":
            let z = try VQUpstream.latent(inputs, method: method, channels: config.latentChannels)
            return upstreamCall(self) { [UpstreamOutput("out", decode(z))] }
        case "decode_indices":
            let i = try VQUpstream.indices(inputs, method: method, codebook: config.codebookSize)
            return upstreamCall(self) { [UpstreamOutput("out", decodeIndices(i))] }
        default:
            let x = try VQUpstream.image(inputs, method: method, factor: config.downsamplingFactor)
            return upstreamCall(self) {
                let (y, e) = self(x)
                return [UpstreamOutput("out.0", y), UpstreamOutput("out.1", e.vq.loss)]
            }
        }
    }
}

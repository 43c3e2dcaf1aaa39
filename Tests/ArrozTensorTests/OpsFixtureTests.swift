// OpsFixtureTests: every [ops] op against PyTorch — forward and input gradients of sum(y·r) — using the
// fixtures written by Tests/Fixtures/fixtures_ops.py (the PyTorch call for each case is in that file).
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

struct OpsFixtureCase: CustomTestStringConvertible, Sendable {
    let name: String
    let inputs: [String]
    let apply: @Sendable (Fixture, [Tensor]) -> Tensor
    var testDescription: String { name }

    init(_ name: String, _ inputs: [String], _ apply: @escaping @Sendable (Fixture, [Tensor]) -> Tensor) {
        self.name = name
        self.inputs = inputs
        self.apply = apply
    }

    static let unary: [OpsFixtureCase] = [
        ("exp", { $0.exp() }), ("log", { $0.log() }), ("sqrt", { $0.sqrt() }), ("abs", { $0.abs() }),
        ("square", { $0.square() }), ("pow3", { $0.pow(3) }), ("pow1_5", { $0.pow(1.5) }),
        ("sin", { $0.sin() }), ("cos", { $0.cos() }), ("tanh", { $0.tanh() }), ("sigmoid", { $0.sigmoid() }),
        ("silu", { $0.silu() }), ("gelu", { $0.gelu() }), ("gelu_tanh", { $0.geluTanh() }),
        ("quick_gelu", { $0.quickGelu() }), ("relu", { $0.relu() }),
        ("leaky_relu", { $0.leakyRelu(0.2) }), ("clamp", { $0.clamp(min: -0.5, max: 0.7) }),
    ].map { (name: String, f: @escaping @Sendable (Tensor) -> Tensor) in
        OpsFixtureCase("unary_" + name, ["x"]) { _, t in f(t[0]) }
    }

    static let all: [OpsFixtureCase] =
        unary + [
            OpsFixtureCase("maximum", ["a", "b"]) { _, t in maximum(t[0], t[1]) },
            OpsFixtureCase("minimum", ["a", "b"]) { _, t in minimum(t[0], t[1]) },
            OpsFixtureCase("where", ["a", "b"]) { fx, t in select(fx["cond"], t[0], t[1]) },
            OpsFixtureCase("masked_fill", ["x"]) { fx, t in t[0].maskedFill(mask: fx["mask"], value: -2.5) },
            OpsFixtureCase("lerp_scalar", ["a", "b"]) { _, t in lerp(t[0], t[1], weight: 0.3) },
            OpsFixtureCase("lerp_tensor", ["a", "b", "w"]) { _, t in lerp(t[0], t[1], weight: t[2]) },
            OpsFixtureCase("amax_02", ["x"]) { _, t in t[0].max(axes: [0, 2]) },
            OpsFixtureCase("amin_1_keep", ["x"]) { _, t in t[0].min(axes: [1], keepDims: true) },
            OpsFixtureCase("argmax_1", ["x"]) { _, t in t[0].argmax(axis: 1) },
            OpsFixtureCase("var_1", ["x"]) { _, t in t[0].variance(axes: [1]) },
            OpsFixtureCase("var_02_biased_keep", ["x"]) { _, t in
                t[0].variance(axes: [0, 2], keepDims: true, unbiased: false)
            },
            OpsFixtureCase("softmax_1", ["x"]) { _, t in t[0].softmax(axis: 1) },
            OpsFixtureCase("log_softmax_last", ["x"]) { _, t in t[0].logSoftmax(axis: -1) },
            OpsFixtureCase("ce_mean", ["x"]) { fx, t in crossEntropy(t[0], fx["t"]) },
            OpsFixtureCase("ce_smooth_sum", ["x"]) { fx, t in
                crossEntropy(t[0], fx["t"], labelSmoothing: 0.1, reduction: .sum)
            },
            OpsFixtureCase("ce_spatial_none", ["x"]) { fx, t in
                crossEntropy(t[0], fx["t"], labelSmoothing: 0.2, reduction: .none)
            },
            OpsFixtureCase("ce_weighted_mean", ["x", "w"]) { fx, t in
                crossEntropy(t[0], fx["t"], labelSmoothing: 0.1, weights: t[1])
            },
            OpsFixtureCase("ce_ignore_smooth_mean", ["x"]) { fx, t in
                crossEntropy(t[0], fx["t"], labelSmoothing: 0.1, ignoreIndex: -100)
            },
            OpsFixtureCase("mse_mean", ["a", "b"]) { _, t in mseLoss(t[0], t[1]) },
            OpsFixtureCase("l1_sum", ["a", "b"]) { _, t in l1Loss(t[0], t[1], reduction: .sum) },
            OpsFixtureCase("bce_logits_mean", ["x", "t"]) { _, t in bceWithLogits(t[0], t[1]) },
            OpsFixtureCase("embedding", ["w"]) { fx, t in embedding(indices: fx["ids"], weight: t[0]) },
            OpsFixtureCase("expand", ["x"]) { _, t in t[0].expanded(to: [2, 3, 4]) },
            OpsFixtureCase("slice_step", ["x"]) { _, t in t[0].slice(axis: 1, start: 1, end: 6, step: 2) },
            OpsFixtureCase("cat_1", ["a", "b"]) { _, t in concat([t[0], t[1], t[0]], axis: 1) },
            OpsFixtureCase("split_1", ["x"]) { _, t in
                let p = t[0].split(sizes: [1, 3], axis: 1)
                return concat([p[0], p[1] * 2], axis: 1)
            },
            OpsFixtureCase("chunk_last", ["x"]) { _, t in
                concat(t[0].chunk(3, axis: -1).enumerated().map { $1 * Float($0 + 1) }, axis: -1)
            },
            OpsFixtureCase("flip_02", ["x"]) { _, t in t[0].flipped(axes: [0, 2]) },
            OpsFixtureCase("pad_constant", ["x"]) { _, t in t[0].padded([(1, 0), (0, 1), (2, 1)]) },
            OpsFixtureCase("pad2d_reflect", ["x"]) { _, t in
                t[0].pad2d(left: 2, right: 1, top: 1, bottom: 2, mode: .reflect)
            },
            OpsFixtureCase("pad2d_replicate", ["x"]) { _, t in
                t[0].pad2d(left: 2, right: 1, top: 1, bottom: 2, mode: .replicate)
            },
            OpsFixtureCase("pixel_shuffle", ["x"]) { _, t in t[0].pixelShuffle(2) },
            OpsFixtureCase("pixel_unshuffle", ["x"]) { _, t in t[0].pixelUnshuffle(2) },
        ]
}

@Suite struct OpsFixtureTests {
    @Test(arguments: OpsFixtureCase.all)
    func matchesPyTorch(_ c: OpsFixtureCase) throws {
        let fx = try Fixture(c.name, area: "ops", bundle: .module)
        expectMatchesFixture(fx, inputs: c.inputs, rtol: 1e-5, atol: 1e-5) { t in c.apply(fx, t) }
    }

    /// Every fixture file has a case here, and every case has its file.
    @Test func everyFixtureIsChecked() {
        let files = Set(Fixture.names(area: "ops", bundle: .module))
        let cases = Set(OpsFixtureCase.all.map(\.name))
        #expect(files.subtracting(cases).isEmpty, "fixture files without a case")
        #expect(cases.subtracting(files).isEmpty, "cases without a fixture file")
    }

    @Test func loaderReportsMissingFilesAndTensors() throws {
        #expect(throws: FixtureError.self) { try Fixture("no_such_case", area: "ops", bundle: .module) }
        let fx = try Fixture("unary_exp", area: "ops", bundle: .module)
        #expect(throws: FixtureError.self) { try fx.tensor("nope") }
        #expect(fx.tensorNames == ["dx", "r", "x", "y"])
    }
}

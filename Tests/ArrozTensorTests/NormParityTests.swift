// NormParityTests: the norm ops and attention against PyTorch (values and gradients), from fixtures
// written by Tests/Fixtures/fixtures_norm.py.
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

private func fixture(_ name: String) throws -> Fixture { try Fixture(name, area: "norm", bundle: .module) }

@Suite struct NormParityTests {
    @Test func layerNormMatchesTorch() throws {
        expectMatchesFixture(try fixture("layer_norm"), inputs: ["x", "w", "b"]) { v in
            layerNorm(v[0], weight: v[1], bias: v[2], eps: 1e-5)
        }
    }

    @Test func layerNorm2dMatchesTorch() throws {
        expectMatchesFixture(try fixture("layer_norm2d"), inputs: ["x", "w", "b"]) { v in
            layerNorm2d(v[0], weight: v[1], bias: v[2], eps: 1e-6)
        }
    }

    @Test func groupNormMatchesTorch() throws {
        expectMatchesFixture(try fixture("group_norm"), inputs: ["x", "w", "b"]) { v in
            groupNorm(v[0], groups: 3, weight: v[1], bias: v[2])
        }
    }

    @Test func batchNormTrainingMatchesTorch() throws {
        let t = try fixture("batch_norm_train")
        let rm = t["running_mean0"], rv = t["running_var0"]
        expectMatchesFixture(t, inputs: ["x", "w", "b"]) { v in
            batchNorm2d(
                v[0], runningMean: rm, runningVar: rv, weight: v[1], bias: v[2], training: true,
                momentum: 0.1, eps: 1e-5)
        }
        expectClose(rm, t["running_mean"], rtol: 1e-5, atol: 1e-6, "running_mean")
        expectClose(rv, t["running_var"], rtol: 1e-5, atol: 1e-6, "running_var")
    }

    @Test func batchNormEvalMatchesTorch() throws {
        let t = try fixture("batch_norm_eval")
        let rm = t["running_mean"], rv = t["running_var"]
        expectMatchesFixture(t, inputs: ["x", "w", "b"]) { v in
            batchNorm2d(v[0], runningMean: rm, runningVar: rv, weight: v[1], bias: v[2], training: false)
        }
        #expect(rm.scalars == t["running_mean"].scalars && rv.scalars == t["running_var"].scalars)
    }

    @Test func grnMatchesPaellaModule() throws {
        expectMatchesFixture(try fixture("grn"), inputs: ["x", "gamma", "beta"]) { v in
            grn(v[0], gamma: v[1], beta: v[2], channelsLast: true)
        }
    }

    @Test func sdpaMatchesTorch() throws {
        let t = try fixture("sdpa")
        expectMatchesFixture(t, inputs: ["q", "k", "v"]) { v in
            scaledDotProductAttention(v[0], v[1], v[2], mask: t["mask"])
        }
        let b = try fixture("sdpa_bool")
        let (q, k, v) = (b["q"], b["k"], b["v"])
        // PyTorch's SDPA bool mask is True = may attend; ours marks the masked-out keys.
        let maskedOut = 1 - b["allowed"].reshaped([1, 2, 5, 5])
        expectClose(scaledDotProductAttention(q, k, v, maskedOut: maskedOut), b["y"], rtol: 1e-4, atol: 1e-5)
        expectClose(scaledDotProductAttention(q, k, v, isCausal: true), b["y_causal"], rtol: 1e-4, atol: 1e-5)
    }
}

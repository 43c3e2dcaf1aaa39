// NormParityTests: the norm ops and attention against PyTorch (values and gradients), from fixtures written by
// Tests/Fixtures/fixtures_norm.py.
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

/// Loads `Fixtures/norm/<name>.json` ({"tensors": {name: {"shape", "data"}}}) as tensors.
func normFixture(_ name: String) throws -> [String: Tensor] {
    struct Entry: Decodable { let shape: [Int]; let data: [Float] }
    struct File: Decodable { let tensors: [String: Entry] }
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/norm") else {
        throw CocoaError(.fileNoSuchFile, userInfo: [
            NSLocalizedDescriptionKey: "missing fixture norm/\(name).json (run Tests/Fixtures/fixtures_norm.py)"])
    }
    let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    return file.tensors.mapValues { Tensor($0.data, shape: $0.shape) }
}

/// Runs `f` on the fixture's inputs, checks `y`, backpropagates `Σ y·r`, and checks each `d<name>`.
func expectParity(
    _ t: [String: Tensor], inputs: [String], output: String = "y", r: String = "r", gradSuffix: String = "",
    rtol: Float = 1e-4, atol: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation,
    _ f: ([Tensor]) -> Tensor
) {
    let xs = inputs.map { t[$0]!.detached() }
    for x in xs { x.requiresGrad = true }
    let y = f(xs)
    expectClose(y, t[output]!, rtol: rtol, atol: atol, output, sourceLocation: sourceLocation)
    (y * t[r]!).sum().backward()
    for (name, x) in zip(inputs, xs) {
        expectClose(x.grad!, t["d" + name + gradSuffix]!.reshaped(x.shape), rtol: rtol, atol: atol, "d" + name,
                    sourceLocation: sourceLocation)
    }
}

@Suite struct NormParityTests {
    @Test func layerNormMatchesTorch() throws {
        let t = try normFixture("layer_norm")
        expectParity(t, inputs: ["x", "w", "b"]) { v in layerNorm(v[0], weight: v[1], bias: v[2], eps: 1e-5) }
    }

    @Test func layerNorm2dMatchesTorch() throws {
        let t = try normFixture("layer_norm2d")
        expectParity(t, inputs: ["x", "w", "b"]) { v in layerNorm2d(v[0], weight: v[1], bias: v[2], eps: 1e-6) }
    }

    @Test func groupNormMatchesTorch() throws {
        let t = try normFixture("group_norm")
        expectParity(t, inputs: ["x", "w", "b"]) { v in groupNorm(v[0], groups: 3, weight: v[1], bias: v[2]) }
    }

    @Test func batchNormMatchesTorch() throws {
        let t = try normFixture("batch_norm")
        let rm = t["running_mean0"]!.detached(), rv = t["running_var0"]!.detached()
        expectParity(t, inputs: ["x", "w", "b"]) { v in
            batchNorm2d(v[0], runningMean: rm, runningVar: rv, weight: v[1], bias: v[2], training: true,
                        momentum: 0.1, eps: 1e-5)
        }
        expectClose(rm, t["running_mean"]!, rtol: 1e-5, atol: 1e-6, "running_mean")
        expectClose(rv, t["running_var"]!, rtol: 1e-5, atol: 1e-6, "running_var")
        expectParity(t, inputs: ["x", "w", "b"], output: "y_eval", r: "r_eval", gradSuffix: "_eval") { v in
            batchNorm2d(v[0], runningMean: rm, runningVar: rv, weight: v[1], bias: v[2], training: false)
        }
    }

    @Test func grnMatchesPaellaModule() throws {
        let t = try normFixture("grn")
        expectParity(t, inputs: ["x", "gamma", "beta"]) { v in
            grn(v[0], gamma: v[1], beta: v[2], channelsLast: true)
        }
    }

    @Test func sdpaMatchesTorch() throws {
        let t = try normFixture("sdpa")
        expectParity(t, inputs: ["q", "k", "v"]) { v in scaledDotProductAttention(v[0], v[1], v[2], mask: t["mask"]) }
        let b = try normFixture("sdpa_bool")
        let (q, k, v) = (b["q"]!, b["k"]!, b["v"]!)
        // PyTorch's SDPA bool mask is True = may attend; ours marks the masked-out keys.
        let maskedOut = 1 - b["allowed"]!.reshaped([1, 2, 5, 5])
        expectClose(scaledDotProductAttention(q, k, v, maskedOut: maskedOut), b["y"]!, rtol: 1e-4, atol: 1e-5)
        expectClose(scaledDotProductAttention(q, k, v, isCausal: true), b["y_causal"]!, rtol: 1e-4, atol: 1e-5)
    }
}

// Expect: closeness checks for tensors and arrays that report the worst element (llm.c style).
import ArrozTensor
import Testing

/// Expects `actual` and `expected` to agree elementwise within `atol + rtol·|expected|`.
public func expectClose(
    _ actual: [Float], _ expected: [Float], rtol: Float = 1e-5, atol: Float = 1e-5, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.count == expected.count else {
        Issue.record("\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    var worst = (i: -1, diff: Float(0), ratio: Float(0))
    for i in 0..<actual.count {
        let d = abs(actual[i] - expected[i])
        let ratio = d / (atol + rtol * abs(expected[i]))
        if !(ratio <= 1) && (worst.i < 0 || !(ratio <= worst.ratio)) { worst = (i, d, ratio) }
    }
    if worst.i >= 0 {
        Issue.record(
            "\(what): element \(worst.i) is \(actual[worst.i]), expected \(expected[worst.i]) (diff \(worst.diff))",
            sourceLocation: sourceLocation)
    }
}

public func expectClose(
    _ actual: Tensor, _ expected: [Float], rtol: Float = 1e-5, atol: Float = 1e-5, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(actual.scalars, expected, rtol: rtol, atol: atol, what, sourceLocation: sourceLocation)
}

public func expectClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-5, atol: Float = 1e-5, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.shape == expected.shape, "\(what): shape", sourceLocation: sourceLocation)
    expectClose(actual.scalars, expected.scalars, rtol: rtol, atol: atol, what, sourceLocation: sourceLocation)
}

// GradCheck: central-difference gradient checks for any differentiable function of tensors.
import ArrozTensor
import Testing

/// Compares autograd gradients of `f` with central differences, for every input.
///
/// The output is reduced to a scalar by a fixed random projection `Σ f(x)·r` (so every output element matters),
/// differences use step `eps` and are accumulated in Double. Fails the current test with the worst element.
public func expectGradientsMatch(
    _ inputs: [Tensor], eps: Float = 1e-2, rtol: Float = 2e-2, atol: Float = 2e-3, seed: UInt64 = 7,
    sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor
) {
    for x in inputs {
        x.requiresGrad = true
        x.grad = nil
    }
    var rng = ArrozRandom(seed: seed)
    let y0 = f(inputs)
    let r = Tensor.randn(y0.shape, rng: &rng)
    func scalar() -> Double {
        let y = withNoGrad { f(inputs) }
        var acc: Double = 0
        for (a, b) in zip(y.data, r.data) { acc += Double(a) * Double(b) }
        return acc
    }
    (y0 * r).sum().backward()
    for (k, x) in inputs.enumerated() {
        let analytic = x.grad?.scalars ?? [Float](repeating: 0, count: x.count)
        var worst: (i: Int, a: Float, n: Float, err: Float) = (0, 0, 0, 0)
        for i in 0..<x.count {
            let old = x.mutableData[i]
            x.mutableData[i] = old + eps
            let up = scalar()
            x.mutableData[i] = old - eps
            let down = scalar()
            x.mutableData[i] = old
            let numeric = Float((up - down) / Double(2 * eps))
            let err = abs(numeric - analytic[i]) / (atol + rtol * abs(numeric))
            if err > worst.err { worst = (i, analytic[i], numeric, err) }
        }
        #expect(
            worst.err <= 1,
            "input \(k) \(x.shape): element \(worst.i) autograd \(worst.a) vs numeric \(worst.n)",
            sourceLocation: sourceLocation)
    }
}

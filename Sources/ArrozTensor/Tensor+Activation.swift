// Tensor+Activation: tanh, sigmoid, SiLU, GELU (erf), ReLU, leaky ReLU — elementwise forward/backward pairs.
import Foundation

extension Tensor {
    // MARK: - tanh
    // y = tanh x          dy/dx = 1 − y²

    public func tanh() -> Tensor {
        pointwise("tanh") { x, y, r in
            for i in r { y[i] = Foundation.tanh(x[i]) }
        } backward: { _, y, dy, dx, r in
            for i in r { dx[i] += dy[i] * (1 - y[i] * y[i]) }
        }
    }

    // MARK: - sigmoid
    // y = σ(x) = 1/(1 + e⁻ˣ)      dy/dx = y·(1 − y)

    public func sigmoid() -> Tensor {
        pointwise("sigmoid") { x, y, r in
            for i in r { y[i] = stableSigmoid(x[i]) }
        } backward: { _, y, dy, dx, r in
            for i in r { dx[i] += dy[i] * y[i] * (1 - y[i]) }
        }
    }

    // MARK: - SiLU
    // y = x·σ(x)          dy/dx = σ(x)·(1 + x·(1 − σ(x)))

    /// SiLU / swish, `x·sigmoid(x)` (torch.nn.functional.silu).
    public func silu() -> Tensor {
        pointwise("silu") { x, y, r in
            for i in r { y[i] = x[i] * stableSigmoid(x[i]) }
        } backward: { x, _, dy, dx, r in
            for i in r {
                let s = stableSigmoid(x[i])
                dx[i] += dy[i] * s * (1 + x[i] * (1 - s))
            }
        }
    }

    // MARK: - GELU (exact, erf form)
    // y = x·Φ(x) = ½x·(1 + erf(x/√2))      dy/dx = Φ(x) + x·φ(x),  φ(x) = e^(−x²/2)/√(2π)

    /// GELU with the exact erf form, matching torch.nn.functional.gelu(approximate='none').
    public func gelu() -> Tensor {
        let invSqrt2: Float = 0.70710678118654752
        let invSqrt2Pi: Float = 0.39894228040143268
        return pointwise("gelu") { x, y, r in
            for i in r { y[i] = 0.5 * x[i] * (1 + erf(x[i] * invSqrt2)) }
        } backward: { x, _, dy, dx, r in
            for i in r {
                let cdf = 0.5 * (1 + erf(x[i] * invSqrt2))
                let pdf = Foundation.exp(-0.5 * x[i] * x[i]) * invSqrt2Pi
                dx[i] += dy[i] * (cdf + x[i] * pdf)
            }
        }
    }

    // MARK: - ReLU
    // y = max(x, 0)       dy/dx = 1 if x > 0 else 0

    public func relu() -> Tensor {
        pointwise("relu") { x, y, r in
            for i in r { y[i] = x[i] > 0 ? x[i] : 0 }
        } backward: { x, _, dy, dx, r in
            for i in r where x[i] > 0 { dx[i] += dy[i] }
        }
    }

    // MARK: - leaky ReLU
    // y = x if x > 0 else a·x     dy/dx = 1 if x > 0 else a

    public func leakyRelu(_ slope: Float = 0.01) -> Tensor {
        pointwise("leakyRelu") { x, y, r in
            for i in r { y[i] = x[i] > 0 ? x[i] : slope * x[i] }
        } backward: { x, _, dy, dx, r in
            for i in r { dx[i] += x[i] > 0 ? dy[i] : slope * dy[i] }
        }
    }
}

/// σ(x) without overflow: 1/(1 + e⁻ˣ) for x ≥ 0, eˣ/(1 + eˣ) otherwise.
@inline(__always) func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}

/// log(1 + eˣ) without overflow: max(x, 0) + log1p(e^(−|x|)).
@inline(__always) func softplus(_ x: Float) -> Float {
    Swift.max(x, 0) + log1p(Foundation.exp(-Swift.abs(x)))
}

// MARK: - Free-function spellings (read better in model code: silu(norm(x)))

public func silu(_ x: Tensor) -> Tensor { x.silu() }
public func gelu(_ x: Tensor) -> Tensor { x.gelu() }
public func relu(_ x: Tensor) -> Tensor { x.relu() }
public func sigmoid(_ x: Tensor) -> Tensor { x.sigmoid() }

// Tensor+Activation: tanh, sigmoid, SiLU, GELU (erf, tanh, quick), ReLU, leaky ReLU — forward/backward pairs.
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
            for i in r { y[i] = fastSigmoid(x[i]) }
        } backward: { _, y, dy, dx, r in
            for i in r { dx[i] += dy[i] * y[i] * (1 - y[i]) }
        }
    }

    // MARK: - SiLU
    // y = x·σ(x)          dy/dx = σ(x)·(1 + x·(1 − σ(x)))

    /// SiLU / swish, `x·sigmoid(x)` (torch.nn.functional.silu).
    public func silu() -> Tensor {
        pointwise("silu") { x, y, r in
            for i in r { y[i] = x[i] * fastSigmoid(x[i]) }
        } backward: { x, _, dy, dx, r in
            for i in r {
                let s = fastSigmoid(x[i])
                dx[i] += dy[i] * s * (1 + x[i] * (1 - s))
            }
        }
    }

    // MARK: - GELU (exact, erf form)
    // y = x·Φ(x) = ½x·(1 + erf(x/√2))      dy/dx = Φ(x) + x·φ(x),  φ(x) = e^(−x²/2)/√(2π)

    /// GELU with the exact erf form, matching torch.nn.functional.gelu(approximate='none') (BERT's and
    /// MiniLM's "gelu"; the text encoders run this same op).
    ///
    /// Both loops are straight-line float code over `fastErf` (a rational form, no exp) with explicit FMAs,
    /// which LLVM turns into 8-lane AVX2 code in release builds; the backward adds one `vexp` (the density).
    public func gelu() -> Tensor {
        let invSqrt2: Float = 0.70710678118654752
        let invSqrt2Pi: Float = 0.39894228040143268
        return pointwise("gelu") { x, y, r in
            for i in r {
                let half = 0.5 * x[i]
                y[i] = muladd(half, fastErf(x[i] * invSqrt2), half)  // ½x + ½x·erf(x/√2)
            }
        } backward: { x, _, dy, dx, r in
            for i in r {
                let v = x[i]
                let cdf = muladd(0.5, fastErf(v * invSqrt2), 0.5)
                dx[i] = muladd(dy[i], muladd(v * invSqrt2Pi, vexp(-0.5 * v * v), cdf), dx[i])
            }
        }
    }

    // MARK: - GELU (tanh approximation)
    // u = √(2/π)·(x + 0.044715x³),  y = ½x·(1 + tanh u)
    // dy/dx = ½(1 + tanh u) + ½x·(1 − tanh²u)·√(2/π)·(1 + 3·0.044715x²)

    /// GELU with the tanh approximation: torch.nn.functional.gelu(approximate='tanh') (T5's "gelu_new").
    public func geluTanh() -> Tensor {
        // ½(1 + tanh u) = σ(2u) and 1 − tanh²u = 4σ(2u)(1 − σ(2u)), so one sigmoid does both passes
        let c: Float = 0.79788456080286536, a: Float = 0.044715
        return pointwise("geluTanh") { x, y, r in
            for i in r {
                let v = x[i]
                y[i] = v * fastSigmoid(2 * c * (v + a * v * v * v))
            }
        } backward: { x, _, dy, dx, r in
            for i in r {
                let v = x[i]
                let s = fastSigmoid(2 * c * (v + a * v * v * v))
                dx[i] += dy[i] * (s + 2 * v * s * (1 - s) * c * (1 + 3 * a * v * v))
            }
        }
    }

    // MARK: - quick GELU
    // y = x·σ(1.702x)      dy/dx = σ(1.702x)·(1 + 1.702x·(1 − σ(1.702x)))

    /// OpenAI CLIP's QuickGELU, `x·sigmoid(1.702·x)` (HF hidden_act "quick_gelu").
    public func quickGelu() -> Tensor {
        pointwise("quickGelu") { x, y, r in
            for i in r { y[i] = x[i] * fastSigmoid(1.702 * x[i]) }
        } backward: { x, _, dy, dx, r in
            for i in r {
                let s = fastSigmoid(1.702 * x[i])
                dx[i] += dy[i] * s * (1 + 1.702 * x[i] * (1 - s))
            }
        }
    }

    // MARK: - ReLU
    // y = max(x, 0)       dy/dx = 1 if x > 0 else 0

    public func relu() -> Tensor {
        pointwise("relu") { x, y, r in
            for i in r { y[i] = x[i] < 0 ? 0 : x[i] }  // NaN stays NaN, as torch.relu
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

/// log(1 + eˣ) without overflow: max(x, 0) + log1p(e^(−|x|)).
@inline(__always) func softplus(_ x: Float) -> Float {
    Swift.max(x, 0) + log1p(vexp(-Swift.abs(x)))
}

// MARK: - Free-function spellings (read better in model code: silu(norm(x)))

public func silu(_ x: Tensor) -> Tensor { x.silu() }
public func gelu(_ x: Tensor) -> Tensor { x.gelu() }
public func relu(_ x: Tensor) -> Tensor { x.relu() }
public func sigmoid(_ x: Tensor) -> Tensor { x.sigmoid() }

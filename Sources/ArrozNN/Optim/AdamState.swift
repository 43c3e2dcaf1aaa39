// AdamState: per-parameter Adam moments and step count, and the shared update kernel of Adam and AdamW.
import ArrozTensor
import Foundation

/// Per-parameter state of Adam/AdamW, named as in PyTorch's optimizer state_dict.
public final class AdamState {
    /// Number of updates applied to this parameter (PyTorch `state['step']`).
    public var step: Int
    /// First moment m (`exp_avg`), same shape as the parameter.
    public let expAvg: Tensor
    /// Second moment v (`exp_avg_sq`), same shape as the parameter.
    public let expAvgSq: Tensor

    public init(shape: [Int]) {
        step = 0
        expAvg = Tensor.zeros(shape)
        expAvgSq = Tensor.zeros(shape)
    }
}

/// Where ε enters the denominator.
public enum AdamEpsilon: String, Codable, Sendable {
    /// PyTorch: denom = √v / √(1 − β₂ᵗ) + ε  (ε outside the bias-corrected root).
    case pytorch
    /// Keras/TensorFlow: lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), denom = √v + ε  (ε on the raw root, ε̂ of the
    /// paper).
    case keras
}

/// How weight decay enters the update.
enum AdamDecay {
    /// Adam: g ← g + λ·θ (L2 penalty through the gradient).
    case l2
    /// AdamW: θ ← θ·(1 − lr·λ) before the moment update (Loshchilov & Hutter).
    case decoupled
}

/// One Adam/AdamW update of `param` in place. Matches PyTorch's single-tensor `_single_tensor_adam(w)`
/// (the CPU default), operation by operation, in Float32 with the scalar factors computed in Double:
///
///     t ← t + 1
///     AdamW: θ ← θ·(1 − lr·λ)            Adam: g ← g + λ·θ
///     m ← m + (1 − β₁)·(g − m)             (exp_avg.lerp_(g, 1 − β₁))
///     v ← β₂·v + (1 − β₂)·g²
///     pytorch ε:  θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
///     keras ε:    θ ← θ − lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)
func adamUpdate(
    param: Tensor, grad: Tensor, state: AdamState, lr: Float, beta1: Float, beta2: Float, eps: Float,
    weightDecay: Float, decay: AdamDecay, epsilon: AdamEpsilon
) {
    precondition(
        grad.shape == param.shape && state.expAvg.shape == param.shape,
        "adamUpdate: param \(param.shape), grad \(grad.shape), state \(state.expAvg.shape)")
    state.step += 1
    let t = Double(state.step)
    let bc1 = 1 - pow(Double(beta1), t)
    let bc2 = 1 - pow(Double(beta2), t)
    let decayFactor = Float(1 - Double(lr) * Double(weightDecay))
    let l2 = decay == .l2 ? weightDecay : 0
    let oneMinusB1 = Float(1 - Double(beta1)), oneMinusB2 = Float(1 - Double(beta2))
    let p = param.mutableData, g = grad.data, m = state.expAvg.mutableData, v = state.expAvgSq.mutableData
    let decoupled = decay == .decoupled && weightDecay != 0
    // Elementwise, so any split over threads gives the same bits.
    switch epsilon {
    case .pytorch:
        let stepSize = Float(Double(lr) / bc1)
        let bc2Sqrt = Float(bc2.squareRoot())
        parallelFor(p.count, grain: 1 << 15) { range in
            // Eight lanes at a time, the same operations in the same order as the scalar tail (same bits);
            // LLVM leaves this four-pointer loop scalar on its own.
            typealias V = SIMD8<Float>
            let (pp, gp, mp, vp) = (p.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!)
            @inline(__always) func ld(_ q: UnsafePointer<Float>) -> V {
                UnsafeRawPointer(q).loadUnaligned(as: V.self)
            }
            @inline(__always) func st(_ x: V, _ q: UnsafeMutablePointer<Float>) {
                UnsafeMutableRawPointer(q).storeBytes(of: x, as: V.self)
            }
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                var pv = ld(pp + i)
                if decoupled { pv *= decayFactor }
                let gv = l2 != 0 ? ld(gp + i) + l2 * pv : ld(gp + i)
                var mv = ld(mp + i)
                mv += oneMinusB1 * (gv - mv)
                let vv = ld(vp + i) * beta2 + oneMinusB2 * gv * gv
                let denom = vv.squareRoot() / bc2Sqrt + eps
                pv += (-stepSize) * mv / denom
                st(pv, pp + i)
                st(mv, mp + i)
                st(vv, vp + i)
                i += 8
            }
            for i in i..<range.upperBound {
                if decoupled { p[i] *= decayFactor }
                let gi = l2 != 0 ? g[i] + l2 * p[i] : g[i]
                m[i] += oneMinusB1 * (gi - m[i])
                v[i] = v[i] * beta2 + oneMinusB2 * gi * gi
                let denom = v[i].squareRoot() / bc2Sqrt + eps
                p[i] += (-stepSize) * m[i] / denom
            }
        }
    case .keras:
        let alpha = Float(Double(lr) * bc2.squareRoot() / bc1)
        parallelFor(p.count, grain: 1 << 15) { range in
            for i in range {
                if decoupled { p[i] *= decayFactor }
                let gi = l2 != 0 ? g[i] + l2 * p[i] : g[i]
                m[i] += oneMinusB1 * (gi - m[i])
                v[i] += oneMinusB2 * (gi * gi - v[i])
                p[i] -= alpha * m[i] / (v[i].squareRoot() + eps)
            }
        }
    }
}

// Tensor+Math: exp, log, sqrt, abs, pow, square, sin, cos, clamp — elementwise forward/backward pairs.
import Foundation

extension Tensor {
    // MARK: - exp
    // y = eˣ              dy/dx = y

    /// eˣ elementwise (via the vectorisable `vexp`, ≤ 2 ulp from libm).
    public func exp() -> Tensor {
        pointwise("exp") { x, y, r in
            for i in r { y[i] = vexp(x[i]) }
        } backward: { _, y, dy, dx, r in
            for i in r { dx[i] += dy[i] * y[i] }
        }
    }

    // MARK: - log
    // y = ln x            dy/dx = 1/x

    public func log() -> Tensor {
        pointwise("log") { x, y, r in
            for i in r { y[i] = Foundation.log(x[i]) }
        } backward: { x, _, dy, dx, r in
            for i in r { dx[i] += dy[i] / x[i] }
        }
    }

    // MARK: - sqrt
    // y = √x              dy/dx = 1/(2y)

    public func sqrt() -> Tensor {
        pointwise("sqrt") { x, y, r in
            for i in r { y[i] = x[i].squareRoot() }
        } backward: { _, y, dy, dx, r in
            for i in r { dx[i] += dy[i] * 0.5 / y[i] }
        }
    }

    // MARK: - abs
    // y = |x|             dy/dx = sign(x)   (0 at x = 0, as torch.sgn)

    public func abs() -> Tensor {
        pointwise("abs") { x, y, r in
            for i in r { y[i] = Swift.abs(x[i]) }
        } backward: { x, _, dy, dx, r in
            for i in r { dx[i] += x[i] > 0 ? dy[i] : (x[i] < 0 ? -dy[i] : 0) }
        }
    }

    // MARK: - square
    // y = x²              dy/dx = 2x

    public func square() -> Tensor {
        pointwise("square") { x, y, r in
            for i in r { y[i] = x[i] * x[i] }
        } backward: { x, _, dy, dx, r in
            for i in r { dx[i] += dy[i] * 2 * x[i] }
        }
    }

    // MARK: - pow
    // y = xᵖ              dy/dx = p·xᵖ⁻¹   (0 when p = 0, as torch.pow)

    /// `self` raised to a constant power (negative bases with a fractional `p` give NaN, as in PyTorch).
    public func pow(_ p: Float) -> Tensor {
        if p == 2 { return square() }
        return pointwise("pow") { x, y, r in
            for i in r { y[i] = Foundation.pow(x[i], p) }
        } backward: { x, _, dy, dx, r in
            if p == 0 { return }
            for i in r { dx[i] += dy[i] * p * Foundation.pow(x[i], p - 1) }
        }
    }

    // MARK: - sin / cos
    // y = sin x           dy/dx = cos x
    // y = cos x           dy/dx = −sin x

    public func sin() -> Tensor {
        pointwise("sin") { x, y, r in
            for i in r { y[i] = Foundation.sin(x[i]) }
        } backward: { x, _, dy, dx, r in
            for i in r { dx[i] += dy[i] * Foundation.cos(x[i]) }
        }
    }

    public func cos() -> Tensor {
        pointwise("cos") { x, y, r in
            for i in r { y[i] = Foundation.cos(x[i]) }
        } backward: { x, _, dy, dx, r in
            for i in r { dx[i] -= dy[i] * Foundation.sin(x[i]) }
        }
    }

    // MARK: - clamp
    // y = min(max(x, lo), hi)     dy/dx = 1 where lo ≤ x ≤ hi, else 0   (inclusive, as torch.clamp)

    /// Clamps into `[min, max]`; either bound may be nil.
    public func clamp(min lo: Float? = nil, max hi: Float? = nil) -> Tensor {
        let a = lo ?? -Float.infinity, b = hi ?? Float.infinity
        precondition(!(a > b), "clamp: min \(a) > max \(b)")
        return pointwise("clamp") { x, y, r in
            for i in r { y[i] = Swift.min(Swift.max(x[i], a), b) }
        } backward: { x, _, dy, dx, r in
            for i in r where x[i] >= a && x[i] <= b { dx[i] += dy[i] }
        }
    }
}

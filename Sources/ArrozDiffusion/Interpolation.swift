// Interpolation: lerp, slerp and norm-aware slerp of embeddings and noise, row by row.
import ArrozTensor
import Foundation

/// How two prompt embeddings (or two noise tensors) are mixed.
public enum InterpolationMode: String, Choice, Sendable {
    /// (1 − w)·a + w·b.
    case linear
    /// Shoemake's slerp on the raw vectors, as the Keras seed's `utils.slerp` (and Paella's noise
    /// interpolation) do: the angle comes from the normalised vectors, the weights apply to the raw ones.
    case slerp
    /// Slerp of the directions, lerp of the norms: |a| and |b| differ for text embeddings, and this keeps the
    /// mix on the arc between the two directions with a norm that moves linearly from |a| to |b|.
    case normAwareSlerp

    public var displayName: String {
        switch self {
        case .linear: "lerp"
        case .slerp: "slerp"
        case .normAwareSlerp: "slerp (norm-aware)"
        }
    }
}

/// Row-wise interpolation of embeddings and noise.
///
/// Interpolation of embeddings and noise. Rows are the first axis for rank ≥ 2 (`[N, D]` embeddings,
/// `[N, C, H, W]` noise: one vector per sample); a rank-1 tensor is one row.
public enum Interpolation {
    /// Mixes `a` and `b` at weight `w` (0 gives a, 1 gives b) with `mode`.
    public static func mix(_ a: Tensor, _ b: Tensor, _ w: Float, mode: InterpolationMode) -> Tensor {
        switch mode {
        case .linear: lerp(a, b, w)
        case .slerp: slerp(a, b, w)
        case .normAwareSlerp: normAwareSlerp(a, b, w)
        }
    }

    /// (1 − w)·a + w·b.
    public static func lerp(_ a: Tensor, _ b: Tensor, _ w: Float) -> Tensor {
        precondition(a.shape == b.shape, "Interpolation.lerp: a\(a.shape) vs b\(b.shape)")
        return combine([(1 - w, a), (w, b)])
    }

    /// Spherical interpolation of the raw rows.
    ///
    /// θ = arccos(â·b̂);  slerp = sin((1 − w)θ)/sin θ · a + sin(wθ)/sin θ · b   (Shoemake 1985), per row.
    /// Falls back to lerp when the rows are (anti)parallel to within 1e-6 in sin θ.
    public static func slerp(_ a: Tensor, _ b: Tensor, _ w: Float) -> Tensor {
        rowwise(a, b) { x, y, o in
            let (nx, ny) = (norm(x), norm(y))
            let theta = angle(x, y, nx, ny)
            let (ca, cb) = slerpWeights(theta, Double(w))
            for i in 0..<x.count { o[i] = Float(ca) * x[i] + Float(cb) * y[i] }
        }
    }

    /// direction = slerp(a/|a|, b/|b|, w),  norm = (1 − w)·|a| + w·|b|,  result = norm · direction, per row.
    public static func normAwareSlerp(_ a: Tensor, _ b: Tensor, _ w: Float) -> Tensor {
        rowwise(a, b) { x, y, o in
            let (nx, ny) = (norm(x), norm(y))
            let theta = angle(x, y, nx, ny)
            var (ca, cb) = slerpWeights(theta, Double(w))
            let target = (1 - Double(w)) * nx + Double(w) * ny
            ca = nx > 0 ? ca / nx : 0
            cb = ny > 0 ? cb / ny : 0
            // the lerp fallback does not keep unit length, so rescale the direction to exactly `target`
            var dirNorm = 0.0
            for i in 0..<x.count {
                let d = ca * Double(x[i]) + cb * Double(y[i])
                dirNorm += d * d
            }
            let scale = dirNorm > 0 ? target / dirNorm.squareRoot() : 0
            for i in 0..<x.count { o[i] = Float(scale * (ca * Double(x[i]) + cb * Double(y[i]))) }
        }
    }

    // MARK: - helpers

    private static func slerpWeights(_ theta: Double, _ w: Double) -> (Double, Double) {
        let s = sin(theta)
        if abs(s) < 1e-6 { return (1 - w, w) }
        return (sin((1 - w) * theta) / s, sin(w * theta) / s)
    }

    private static func norm(_ x: UnsafeBufferPointer<Float>) -> Double {
        var s = 0.0
        for v in x { s += Double(v) * Double(v) }
        return s.squareRoot()
    }

    private static func angle(
        _ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>, _ nx: Double, _ ny: Double
    ) -> Double {
        guard nx > 0 && ny > 0 else { return 0 }
        var dot = 0.0
        for i in 0..<x.count { dot += Double(x[i]) * Double(y[i]) }
        return acos(min(max(dot / (nx * ny), -1), 1))
    }

    private static func rowwise(
        _ a: Tensor, _ b: Tensor,
        _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) ->
            Void
    ) -> Tensor {
        precondition(a.shape == b.shape && a.rank >= 1, "Interpolation: a\(a.shape) vs b\(b.shape)")
        let rows = a.rank >= 2 ? a.shape[0] : 1
        let width = rows == 0 ? 0 : a.count / rows
        let out = Tensor.zeros(a.shape)
        for r in 0..<rows {
            let range = r * width..<(r + 1) * width
            body(
                UnsafeBufferPointer(rebasing: a.data[range]), UnsafeBufferPointer(rebasing: b.data[range]),
                UnsafeMutableBufferPointer(rebasing: out.mutableData[range]))
        }
        return out
    }
}

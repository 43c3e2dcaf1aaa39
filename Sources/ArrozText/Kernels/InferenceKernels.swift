// InferenceKernels: the fused, inference-only loops the text encoders run between sgemm calls — linear with
// bias, residual + LayerNorm, GELU (erf and quick), packed multi-head attention. No autograd: encoders are
// frozen.
import ArrozTensor
import Foundation

enum InferenceKernels {
    // MARK: - Linear
    // y[T, O] = x[T, I] · Wᵀ + b      (W is PyTorch's [O, I])
    static func linear(
        _ x: UnsafePointer<Float>, rows T: Int, inFeatures I: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outFeatures O: Int,
        into y: UnsafeMutablePointer<Float>
    ) {
        if let bias {
            for t in 0..<T { (y + t * O).update(from: bias, count: O) }
        }
        sgemm(transB: true, m: T, n: O, k: I, a: x, b: weight, beta: bias == nil ? 0 : 1, c: y)
    }

    // MARK: - LayerNorm (optionally on a residual sum)
    // x ← γ · (x + r − μ) / √(σ² + ε) + β over each row of D, σ² the biased variance (torch.nn.LayerNorm).
    static func layerNorm(
        _ x: UnsafeMutablePointer<Float>, adding r: UnsafePointer<Float>?, rows T: Int, width D: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float
    ) {
        parallelFor(T, grain: 64) { range in
            for t in range {
                let row = x + t * D
                if let r {
                    let rr = r + t * D
                    for i in 0..<D { row[i] += rr[i] }
                }
                var mean: Float = 0
                for i in 0..<D { mean += row[i] }
                mean /= Float(D)
                var variance: Float = 0
                for i in 0..<D {
                    let d = row[i] - mean
                    variance += d * d
                }
                let inv = 1 / (variance / Float(D) + eps).squareRoot()
                for i in 0..<D { row[i] = (row[i] - mean) * inv * gamma[i] + beta[i] }
            }
        }
    }

    // MARK: - GELU
    // gelu(x) = ½ · x · (1 + erf(x / √2))            (torch.nn.GELU(), approximate='none')
    static func geluErf(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        parallelFor(n, grain: 1 << 16) { range in
            for i in range {
                let v = x[i]
                x[i] = 0.5 * v * (1 + erfApprox(v * 0.70710678118654752))
            }
        }
    }

    /// erf(a): the odd/even rational approximation Eigen and XLA use for float erf (|error| < 5e-7), written
    /// branch-free so the loop above vectorises.
    @inline(__always)
    static func erfApprox(_ a: Float) -> Float {
        let x = min(max(a, -4), 4)
        let x2 = x * x
        var p: Float = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
        p = x2 * p + -2.10102402082508e-06
        p = x2 * p + -5.69250639462346e-05
        p = x2 * p + -7.34990630326855e-04
        p = x2 * p + -2.95459980854025e-03
        p = x2 * p + -1.60960333262415e-02
        var q: Float = x2 * -1.45660718464996e-05 + -2.13374055278905e-04
        q = x2 * q + -1.68282697438203e-03
        q = x2 * q + -7.37332916720468e-03
        q = x2 * q + -1.42647390514189e-02
        return x * p / q
    }

    // quickGelu(x) = x · σ(1.702 x)                   (HF ACT2FN["quick_gelu"], CLIP's activation)
    static func quickGelu(_ x: UnsafeMutablePointer<Float>, count n: Int) {
        parallelFor(n, grain: 4096) { range in
            for i in range { x[i] = x[i] / (1 + expf(-1.702 * x[i])) }
        }
    }

    // MARK: - Attention over packed sequences
    // For each sequence s (rows start[s] ..< start[s] + length[s] of the packed batch) and head h:
    //   ctx_h = softmax(Q_h K_hᵀ · scale + M) V_h,   M = −∞ above the diagonal when `causal`, else 0.
    // qkv is [T, 3·D] (query | key | value, each D = heads · d wide); ctx is [T, D].
    static func attention(
        qkv: UnsafePointer<Float>, into ctx: UnsafeMutablePointer<Float>,
        starts: [Int], lengths: [Int], heads H: Int, headDim d: Int, causal: Bool
    ) {
        let D = H * d, stride = 3 * D
        let scale = 1 / Float(d).squareRoot()
        let jobs = starts.count * H
        let maxL = lengths.max() ?? 0
        parallelFor(jobs, grain: 4) { range in
            var scores = [Float](repeating: 0, count: maxL)
            for job in range {
                let (s, h) = (job / H, job % H)
                let (t0, L) = (starts[s], lengths[s])
                for i in 0..<L {
                    let q = qkv + (t0 + i) * stride + h * d
                    let keys = causal ? i + 1 : L
                    var best = -Float.infinity
                    for j in 0..<keys {
                        let k = qkv + (t0 + j) * stride + D + h * d
                        scores[j] = dot(q, k, d) * scale
                        best = max(best, scores[j])
                    }
                    var total: Float = 0
                    for j in 0..<keys {
                        scores[j] = expf(scores[j] - best)
                        total += scores[j]
                    }
                    let out = ctx + (t0 + i) * D + h * d
                    for c in 0..<d { out[c] = 0 }
                    let inv = 1 / total
                    for j in 0..<keys {
                        let v = qkv + (t0 + j) * stride + 2 * D + h * d
                        let p = scores[j] * inv
                        for c in 0..<d { out[c] += p * v[c] }
                    }
                }
            }
        }
    }

    /// Σ a[c]·b[c] over c < n, in 8 independent lanes (a plain loop is one serial chain of adds).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>()
        var c = 0
        while c + 8 <= n {
            let va = UnsafeRawPointer(a + c).loadUnaligned(as: SIMD8<Float>.self)
            let vb = UnsafeRawPointer(b + c).loadUnaligned(as: SIMD8<Float>.self)
            acc += va * vb
            c += 8
        }
        var total = acc.sum()
        while c < n {
            total += a[c] * b[c]
            c += 1
        }
        return total
    }
}

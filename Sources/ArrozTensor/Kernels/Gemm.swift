// Gemm: the sgemm wrapper every matmul, linear and im2col convolution goes through, and a naive reference.
import CBLAS

/// C[M,N] = alpha · op(A) · op(B) + beta · C, row-major. op(A) is [M,K], op(B) is [K,N].
/// `lda`, `ldb`, `ldc` default to the packed row lengths.
@inlinable
public func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil,
    b: UnsafePointer<Float>, ldb: Int? = nil,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil
) {
    guard m > 0 && n > 0 else { return }
    if k == 0 {
        if beta == 0 { c.update(repeating: 0, count: m * (ldc ?? n)) }
        return
    }
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda ?? (transA ? m : k)),
        b, Int32(ldb ?? (transB ? k : n)), beta, c, Int32(ldc ?? n))
}

/// The triple loop sgemm replaces, kept as the reference the tests compare against (Double accumulation).
public func sgemmNaive(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>
) {
    for i in 0..<m {
        for j in 0..<n {
            var acc: Double = 0
            for p in 0..<k {
                let av = transA ? a[p * m + i] : a[i * k + p]
                let bv = transB ? b[j * k + p] : b[p * n + j]
                acc += Double(av) * Double(bv)
            }
            c[i * n + j] = Float(acc)
        }
    }
}

// Gemm: the sgemm wrapper every matmul, linear and im2col convolution goes through, and a naive reference.
import CBLAS

/// C[M,N] = alpha · op(A) · op(B) + beta · C, row-major. op(A) is [M,K], op(B) is [K,N].
/// `lda`, `ldb`, `ldc` default to the packed row lengths.
///
/// Under `Precision.bf16` (where it can run) products of at least `bf16GemmMinWork` multiply-adds take
/// oneDNN's bf16 matmul instead (GemmBF16.swift).
///
/// OpenBLAS runs single-threaded (see `Threads`); a product of at least `sgemmSplitWork` multiply-adds,
/// called outside a parallel region, is split into column blocks of C (or row blocks, when C is taller
/// than wide) that run on our threads, each a serial sgemm. Every element sees the same K loop either way.
@inlinable
public func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil,
    b: UnsafePointer<Float>, ldb: Int? = nil,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil
) {
    guard m > 0 && n > 0 else { return }
    let ldc = ldc ?? n
    if k == 0 {
        if beta == 0 { c.update(repeating: 0, count: m * ldc) }
        return
    }
    let lda = lda ?? (transA ? m : k), ldb = ldb ?? (transB ? k : n)
    if bf16SgemmIfRequested(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) { return }
    _ = Threads.serialBLAS
    let workers = Threads.count
    guard workers > 1 && m * n * k >= sgemmSplitWork && max(m, n) >= 2 * sgemmSplitAlign
        && !ParallelRegion.inside
    else {
        serialSgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        return
    }
    let alongN = n >= m
    let extent = alongN ? n : m
    let pieces = min(workers, extent / sgemmSplitAlign)
    parallelFor(pieces) { range in
        for p in range {
            // Piece boundaries on multiples of sgemmSplitAlign (whole register blocks).
            let lo = extent * p / pieces / sgemmSplitAlign * sgemmSplitAlign
            let hi = p + 1 == pieces ? extent : extent * (p + 1) / pieces / sgemmSplitAlign * sgemmSplitAlign
            guard lo < hi else { continue }
            if alongN {  // C[:, lo..<hi] = op(A) · op(B)[:, lo..<hi]
                serialSgemm(
                    transA, transB, m, hi - lo, k, alpha, a, lda, b + (transB ? lo * ldb : lo), ldb, beta,
                    c + lo, ldc)
            } else {  // C[lo..<hi, :] = op(A)[lo..<hi, :] · op(B)
                serialSgemm(
                    transA, transB, hi - lo, n, k, alpha, a + (transA ? lo : lo * lda), lda, b, ldb, beta,
                    c + lo * ldc, ldc)
            }
        }
    }
}

/// Fewest multiply-adds worth splitting across threads (below it, waking a worker costs more than it saves).
public let sgemmSplitWork = 1 << 19
/// Split boundaries fall on multiples of this many rows or columns.
public let sgemmSplitAlign = 16

/// One OpenBLAS sgemm on the calling thread.
@usableFromInline @inline(__always)
func serialSgemm(
    _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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

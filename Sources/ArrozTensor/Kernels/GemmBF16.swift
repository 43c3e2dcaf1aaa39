// GemmBF16: the bf16 route of `sgemm` under `Precision.bf16` — oneDNN matmul with bf16 inputs and fp32
// accumulation, primitives cached per shape.
import CArrozDNNL
import Foundation

/// Smallest product (multiply-adds) worth the bf16 conversion and a oneDNN call; smaller ones stay fp32.
public let bf16GemmMinWork = 1 << 15

/// oneDNN bf16 matmul primitives by (m, n, k, transA, transB, lda, ldb); nil marks shapes oneDNN refused.
final class BF16GemmCache: @unchecked Sendable {
    static let shared = BF16GemmCache()
    private var table: [[Int]: OpaquePointer?] = [:]
    private let lock = NSLock()

    func primitive(_ m: Int, _ n: Int, _ k: Int, _ ta: Bool, _ tb: Bool, _ lda: Int, _ ldb: Int) -> OpaquePointer? {
        let key = [m, n, k, ta ? 1 : 0, tb ? 1 : 0, lda, ldb]
        lock.lock()
        defer { lock.unlock() }
        if let hit = table[key] { return hit }
        let made = arroz_dnnl_matmul_create(m, n, k, ta ? 1 : 0, tb ? 1 : 0, lda, ldb)
        table[key] = made
        return made
    }
}

/// C = alpha·op(A)·op(B) + beta·C in bf16 products when this thread's precision is bf16 and bf16 can run;
/// returns false (nothing done) otherwise, and the caller runs fp32.
@usableFromInline
func bf16SgemmIfRequested(
    _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int
) -> Bool {
    guard m * n * k >= bf16GemmMinWork, Precision.effective == .bf16,
        let p = BF16GemmCache.shared.primitive(m, n, k, transA, transB, lda, ldb)
    else { return false }
    let threads = Int32(ParallelRegion.inside ? 1 : Threads.count)
    return arroz_dnnl_matmul_run(p, a, b, c, ldc, alpha, beta, threads) == 0
}

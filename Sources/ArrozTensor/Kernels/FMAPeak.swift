// FMAPeak: the machine's fp32 fused-multiply-add peak, measured (not looked up), so GFLOP/s figures can be
// read against what the cores can do in the same sitting.
import CArrozDNNL
import Foundation

/// GFLOP/s of back-to-back independent FMAs in the widest vectors this CPU has, on `threads` threads at once,
/// timed over about `seconds` (best of three rounds), and that vector width in bits.
public func measureFMAPeak(threads: Int, seconds: Double = 0.3) -> (gflops: Double, width: Int) {
    let width = Int(arroz_fma_peak_width())
    guard width > 0 else { return (0, 0) }
    let saved = Threads.count
    Threads.set(threads)
    defer { Threads.set(saved) }
    var best = 0.0
    for _ in 0..<3 {
        let t0 = Date()
        var flops = [Double](repeating: 0, count: threads)
        flops.withUnsafeMutableBufferPointer { f in
            let out = f.baseAddress!
            parallelFor(threads) { range in
                var sink: Float = 0
                for t in range {
                    var done = 0.0
                    let start = Date()
                    while Date().timeIntervalSince(start) < seconds {
                        done += arroz_fma_peak_run(2_000_000, &sink)
                    }
                    out[t] = done + Double(sink.isNaN ? 1 : 0)
                }
            }
        }
        let dt = Date().timeIntervalSince(t0)
        best = max(best, flops.reduce(0, +) / dt / 1e9)
    }
    return (best, width)
}

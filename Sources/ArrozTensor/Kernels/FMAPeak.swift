// FMAPeak: the machine's fp32 fused-multiply-add peak, measured (not looked up), so GFLOP/s figures can be
// read against what the cores can do in the same sitting.
import CArrozDNNL
import Foundation

/// Seconds of CPU the calling thread has used.
private func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// GFLOP/s of back-to-back independent FMAs in the widest vectors this CPU has, on `threads` threads at once,
/// over about `seconds` per round (best of three rounds), and that vector width in bits.
///
/// With `cpuTime`, each thread's flops are divided by its own CPU seconds (what the cores do while they run
/// our thread, the same clock as `bench ops --cpu-time`); otherwise by the wall clock.
public func measureFMAPeak(threads: Int, seconds: Double = 0.3, cpuTime: Bool = false) -> (
    gflops: Double, width: Int
) {
    let width = Int(arroz_fma_peak_width())
    guard width > 0 else { return (0, 0) }
    let saved = Threads.count
    Threads.set(threads)
    defer { Threads.set(saved) }
    var best = 0.0
    for _ in 0..<3 {
        let t0 = Date()
        var rates = [Double](repeating: 0, count: threads), flops = rates
        rates.withUnsafeMutableBufferPointer { r in
            flops.withUnsafeMutableBufferPointer { f in
                let rate = r.baseAddress!, done = f.baseAddress!
                parallelFor(threads) { range in
                    var sink: Float = 0
                    for t in range {
                        var total = 0.0
                        let start = Date(), c0 = threadCPUSeconds()
                        while Date().timeIntervalSince(start) < seconds {
                            total += arroz_fma_peak_run(2_000_000, &sink)
                        }
                        done[t] = total + Double(sink.isNaN ? 1 : 0)
                        rate[t] = done[t] / max(threadCPUSeconds() - c0, 1e-9)
                    }
                }
            }
        }
        let wall = flops.reduce(0, +) / Date().timeIntervalSince(t0)
        best = max(best, (cpuTime ? rates.reduce(0, +) : wall) / 1e9)
    }
    return (best, width)
}

// BenchTiming: per-call time measured in "clean rounds" — rounds in which other processes used less than a
// fifth
// of a core — so numbers stay comparable on a shared machine. Same method as
// /work/shared/bench/unet_bench.py.
import Foundation

/// Seconds of CPU every process on the machine has used (user, nice, system, irq, softirq, steal).
func machineBusySeconds() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
        let line = text.split(separator: "\n").first
    else { return 0 }
    let v = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
    guard v.count == 8 else { return 0 }
    let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / hz
}

/// Seconds of CPU this process has used.
func ownCPUSeconds() -> Double {
    var r = rusage()
    getrusage(RUSAGE_SELF.rawValue, &r)
    return Double(r.ru_utime.tv_sec) + Double(r.ru_utime.tv_usec) / 1e6 + Double(r.ru_stime.tv_sec)
        + Double(r.ru_stime.tv_usec) / 1e6
}

/// A timing: median and best seconds per call over the rounds used, and how many rounds were clean.
struct Timing {
    var median: Double
    var best: Double
    var clean: Int
    var rounds: Int
}

/// Runs `body` in rounds of about `round` seconds until `wantClean` clean rounds (or `maxRounds` rounds);
/// the median uses the clean rounds, or all rounds when none was clean.
///
/// With `cpuTime`, a call's time is this process's CPU seconds divided by `threads` (wall time a perfectly
/// scaling, unshared run would take): a stable proxy on a machine busy with other work, where wall-clock
/// rounds
/// are never clean. It counts spin-waiting as work, so it flatters nothing.
func measure(
    round: Double = 0.3, wantClean: Int = 5, maxRounds: Int = 30, cpuTime: Bool = false, threads: Int = 1,
    _ body: () -> Void
) -> Timing {
    body()
    body()
    var all: [Double] = [], clean: [Double] = []
    while all.count < maxRounds && clean.count < wantClean {
        let s0 = machineBusySeconds(), o0 = ownCPUSeconds(), t0 = Date()
        var n = 0, dt = 0.0
        repeat {
            body()
            n += 1
            dt = Date().timeIntervalSince(t0)
        } while dt < round
        let foreign = max(0, ((machineBusySeconds() - s0) - (ownCPUSeconds() - o0)) / dt)
        let perCall = cpuTime ? (ownCPUSeconds() - o0) / Double(threads) / Double(n) : dt / Double(n)
        all.append(perCall)
        if foreign < 0.2 || cpuTime { clean.append(perCall) }
    }
    let use = (clean.isEmpty ? all : clean).sorted()
    return Timing(median: use[use.count / 2], best: use[0], clean: clean.count, rounds: all.count)
}

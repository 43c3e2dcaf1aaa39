// arroz-studio: the executable's entry point; the commands live in Commands/.
import Foundation

// OpenBLAS 0.3.21 (Debian 12) takes CPUs newer than it knows (this Sapphire Rapids Xeon) for a Prescott and runs
// its SSE3 kernels: sgemm 1024³ 65 GFLOP/s against 310 with its SkylakeX kernels (bench ops, 2 threads,
// 2026-12-04; Winograd and attention sit on sgemm). It reads OPENBLAS_CORETYPE when it loads, before main runs,
// so on an AVX-512 CPU with no choice of the user's the process starts itself again with SkylakeX.
if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
    let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
    let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }).map({ Set($0.split(separator: " ")) }),
    ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy({ flags.contains(Substring($0)) })
{
    setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)  // returns only on failure: carry on with what loaded
}

// Before any thread starts (setenv is not safe beside a running getenv): libgomp, which oneDNN pulls in when it
// loads, reads this once. Its workers then spin 30 000 times (tens of microseconds) after a convolution before
// they sleep, unless the user chose. Sleeping at once (the OMP_WAIT_POLICY=PASSIVE the oneDNN shim sets) costs a
// wake-up per convolution, which doubled small models' sampling; libgomp's own default spin (~0.1 s) takes a
// core from our threads on two cores. bench models, 2 threads, 2 alternating rounds (2026-12-04), passive →
// 30 000 spins: emoji-arroz fwd b1 11.1 → 3.7 ms, emoji-ddg 4-step sample 42.3 → 9.5 ms, emoji-paella 12-step
// 93.9 → 40.7 ms, pix32-add CFG step 57.6 → 46.9 ms; training images/s the same or higher.
setenv("GOMP_SPINCOUNT", "30000", 0)
ArrozCommand.main()

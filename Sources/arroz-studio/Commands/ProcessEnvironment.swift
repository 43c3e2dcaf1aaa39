// ProcessEnvironment: what the process sets in its own environment before any thread starts, for the two
// libraries that read it only when they load (OpenBLAS, libgomp under oneDNN); a user's own setting wins.
import CArrozDNNL
import Foundation

enum ProcessEnvironment {
    /// Call first in main: setenv is not safe beside a running getenv, and OpenBLAS has loaded by then.
    static func prepare() {
        // OpenBLAS 0.3.21 (Debian 12) takes CPUs newer than it knows (this Sapphire Rapids Xeon) for a Prescott
        // and runs its SSE3 kernels: sgemm 1024³ 65 GFLOP/s against 310 with its SkylakeX kernels (bench ops,
        // 2 threads, 2026-12-04; Winograd and attention sit on sgemm). It reads OPENBLAS_CORETYPE when it
        // loads, before main, so on such a CPU the process starts itself again with SkylakeX.
        if getenv("OPENBLAS_CORETYPE") == nil && arroz_cpu_has_avx512_skx() != 0 {
            setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
            execv("/proc/self/exe", CommandLine.unsafeArgv)  // returns only on failure: go on as loaded
        }
        // libgomp (which oneDNN pulls in when it loads) reads this once: its workers spin 30 000 times (tens of
        // microseconds) after a convolution, then sleep. Sleeping at once (the OMP_WAIT_POLICY=PASSIVE the
        // oneDNN shim sets) costs a wake-up per convolution, which doubled small models' sampling; libgomp's own
        // default spin (~0.1 s) takes a core from our threads on two cores. bench models, 2 threads, 2
        // alternating rounds (2026-12-04), passive → 30 000 spins: emoji-arroz fwd b1 11.1 → 3.7 ms, emoji-ddg
        // 4-step sample 42.3 → 9.5 ms, emoji-paella 12-step 93.9 → 40.7 ms, pix32-add CFG step 57.6 → 46.9 ms;
        // training images/s the same or higher.
        setenv("GOMP_SPINCOUNT", "30000", 0)
    }
}

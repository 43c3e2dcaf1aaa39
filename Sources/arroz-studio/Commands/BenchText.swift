// BenchText: `arroz-studio bench text` — MiniLM speed: ms for one 10-token prompt, and a batch of 64 captions
// next to sentence-transformers on PyTorch with 2 threads (scripts/bench_text_torch.py, same captions).
import ArgumentParser
import ArrozTensor
import ArrozText
import Foundation

struct BenchText: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text", abstract: "MiniLM: ms per 10-token prompt; 64 captions vs sentence-transformers."
    )

    @Option(help: "Threads for our loops and split sgemms (PyTorch gets the same).") var threads = 2
    @Flag(
        name: .customLong("cpu-time"),
        help: "Time by CPU seconds ÷ threads on both sides (for a busy machine).")
    var cpuTime = false
    @Option(help: "Python with torch + sentence-transformers for the side-by-side run ('' to skip).")
    var python = FileManager.default.homeDirectoryForCurrentUser.path + "/torch-venv/bin/python"

    /// The 64 captions both sides encode: "a photo of a {colour} {item}" (scripts/bench_text_torch.py).
    static let captions: [String] = {
        let colours = ["red", "green", "blue", "black", "white", "striped", "small", "shiny"]
        let items = [
            "apple", "ankle boot", "sneaker", "dress", "handbag", "fire engine", "pullover", "sandal",
        ]
        return colours.flatMap { c in items.map { "a photo of a \(c) \($0)" } }
    }()

    func run() throws {
        Threads.set(threads)
        // OpenBLAS's kernel choice halves or doubles sgemm here (Haswell vs SkylakeX on AVX-512 CPUs): show it.
        let core = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { "OPENBLAS_CORETYPE=" + $0 }
        print("arroz-studio bench text · \(threads) threads" + (cpuTime ? " · CPU-time clock" : "")
            + " · " + (core ?? "OpenBLAS core auto-detected"))
        print(String(repeating: "─", count: 60))
        let t0 = Date()
        let encoder = try MiniLMEncoder()
        print(
            String(format: "load all-MiniLM-L6-v2              %8.1f ms", Date().timeIntervalSince(t0) * 1e3))

        let prompt = "a photo of a red apple on grass"
        let tokens = encoder.tokenizer.encode(prompt).count
        let one = measure(round: 0.25, wantClean: 3, maxRounds: 12, cpuTime: cpuTime, threads: threads) {
            _ = try? encoder.encode([prompt])
        }
        print(
            String(
                format: "one prompt (%d tokens)               %8.2f ms  (best %.2f, %d/%d clean rounds)",
                tokens, one.median * 1e3, one.best * 1e3, one.clean, one.rounds))

        let timing = measure(round: 0.5, wantClean: 3, maxRounds: 12, cpuTime: cpuTime, threads: threads) {
            _ = try? encoder.encode(Self.captions)
        }
        let batch = timing.median
        print(
            String(
                format: "64 captions                         %8.2f ms  (best %.2f, %d/%d clean rounds)",
                batch * 1e3, timing.best * 1e3, timing.clean, timing.rounds))

        guard !python.isEmpty, FileManager.default.isExecutableFile(atPath: python) else {
            print("(no PyTorch side: \(python) not found)")
            return
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../scripts/bench_text_torch.py").standardized.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments =
            [script, "--threads", "\(threads)", "--encoder-dir", MiniLMEncoder.defaultDirectory]
            + (cpuTime ? ["--cpu-time"] : [])
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("torch ") }),
            case let f = line.split(separator: " ").map(String.init), f.count == 7,
            let oneTorch = Double(f[1]), let batchTorch = Double(f[2]), let oneBest = Double(f[3]),
            let batchBest = Double(f[4])
        else {
            print("(PyTorch side failed: \(output.suffix(300)))")
            return
        }
        print(
            String(format: "sentence-transformers one prompt    %8.2f ms  (best %.2f, ", oneTorch, oneBest)
                + "\(f[5]) clean rounds)")
        print(
            String(
                format: "sentence-transformers 64 captions   %8.2f ms  (best %.2f, ", batchTorch, batchBest)
                + "\(f[6]) clean rounds)")
        print(
            String(
                format: "arroz vs PyTorch: one prompt %.2fx, 64 captions %.2fx faster (medians)",
                oneTorch / (one.median * 1e3), batchTorch / (batch * 1e3)))
    }
}

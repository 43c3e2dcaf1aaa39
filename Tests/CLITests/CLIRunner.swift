// CLIRunner: runs the debug `arroz-studio` binary as a subprocess (a crash — SIGSEGV, SIGFPE, a trap — is a
// failed case, not a dead test runner) and checks that a bad input ends in one clear error line.
import Foundation
import XCTest

/// What one run of the binary did.
struct CLIResult {
    var status: Int32
    /// True when a signal ended the process (a crash or a trap), false for a normal exit.
    var signalled: Bool
    var stdout: String
    var stderr: String
    var seconds: Double

    /// stderr without progress-bar lines (`… it/s  ETA …`) and blank lines.
    var messageLines: [String] {
        stderr.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(String.init)
            .map { $0.replacingOccurrences(of: "\u{1B}[2K", with: "") }
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.contains(" it/s  ETA ") }
    }
}

/// One bad input: the arguments and the words its error line must contain (case-insensitive).
struct BadInput {
    var args: [String]
    var expect: [String]
    var file: StaticString
    var line: UInt

    init(_ args: [String], _ expect: [String], file: StaticString = #filePath, line: UInt = #line) {
        (self.args, self.expect, self.file, self.line) = (args, expect, file, line)
    }
}

enum CLI {
    /// The package root, from this file's path (Tests/CLITests/CLIRunner.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The binary: $ARROZ_STUDIO_BIN, else next to the test bundle (the same build configuration), else
    /// `.build/debug/arroz-studio` under the package root.
    static let binary: String = {
        let fm = FileManager.default
        if let p = ProcessInfo.processInfo.environment["ARROZ_STUDIO_BIN"], fm.isExecutableFile(atPath: p) { return p }
        var candidates: [String] = []
        for b in Bundle.allBundles {
            var dir = URL(fileURLWithPath: b.bundlePath)
            for _ in 0..<3 {
                dir = dir.deletingLastPathComponent()
                candidates.append(dir.appendingPathComponent("arroz-studio").path)
            }
        }
        if let exe = CommandLine.arguments.first {
            var dir = URL(fileURLWithPath: exe)
            for _ in 0..<3 {
                dir = dir.deletingLastPathComponent()
                candidates.append(dir.appendingPathComponent("arroz-studio").path)
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/arroz-studio").path)
        return candidates.first { fm.isExecutableFile(atPath: $0) && !isDirectory($0) }
            ?? packageRoot.appendingPathComponent(".build/debug/arroz-studio").path
    }()

    static func isDirectory(_ p: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: p, isDirectory: &d) && d.boolValue
    }

    /// Runs the binary in `cwd` with `args`; kills it after `timeout` seconds (then `signalled` is true).
    static func run(_ args: [String], cwd: String, timeout: Double = 180, whileRunning: (() -> Void)? = nil) throws
        -> CLIResult
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = "100"
        env["SWIFT_BACKTRACE"] = "enable=no"  // a crash ends at once (it still fails the case)
        p.environment = env
        let outURL = URL(fileURLWithPath: cwd).appendingPathComponent(".out-\(UUID().uuidString)")
        let errURL = URL(fileURLWithPath: cwd).appendingPathComponent(".err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let start = Date()
        try p.run()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            p.waitUntilExit()
            done.signal()
        }
        if let whileRunning {
            while p.isRunning && Date().timeIntervalSince(start) < timeout {
                whileRunning()
                usleep(20_000)
            }
        }
        if done.wait(timeout: .now() + max(1, timeout - Date().timeIntervalSince(start))) == .timedOut {
            p.terminate()
            kill(p.processIdentifier, SIGKILL)
            done.wait()
        }
        try out.close()
        try err.close()
        return CLIResult(
            status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
            seconds: Date().timeIntervalSince(start))
    }

    /// Runs every case, `parallel` at a time, and checks each: a normal non-zero exit, exactly one
    /// `Error: …` line on stderr, containing every expected word. Returns the results in order.
    @discardableResult
    static func check(_ cases: [BadInput], cwd: String, parallel: Int = 3) -> [CLIResult?] {
        var results = [CLIResult?](repeating: nil, count: cases.count)
        let lock = NSLock()
        var next = 0
        let group = DispatchGroup()
        let started = Date()
        for _ in 0..<max(1, parallel) {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                while true {
                    let i: Int = lock.withLock {
                        defer { next += 1 }
                        return next
                    }
                    guard i < cases.count else { return }
                    let r = try? run(cases[i].args, cwd: cwd)
                    lock.withLock { results[i] = r }
                }
            }
        }
        group.wait()
        print(String(format: "CLITests: %d cases in %.1f s", cases.count, Date().timeIntervalSince(started)))
        for (c, r) in zip(cases, results) {
            let shown = "arroz-studio " + c.args.map { $0.contains(" ") || $0.isEmpty ? "'\($0)'" : $0 }.joined(separator: " ")
            guard let r else {
                XCTFail("\(shown): could not start \(binary)", file: c.file, line: c.line)
                continue
            }
            if r.signalled {
                XCTFail("\(shown): CRASHED (signal \(r.status))\nstderr: \(r.stderr.suffix(600))", file: c.file, line: c.line)
                continue
            }
            if r.status == 0 {
                XCTFail("\(shown): exit 0, expected an error\nstdout: \(r.stdout.suffix(300))", file: c.file, line: c.line)
                continue
            }
            let lines = r.messageLines
            if lines.count != 1 || !lines[0].hasPrefix("Error: ") {
                XCTFail("\(shown): stderr is not one `Error: …` line:\n\(lines.joined(separator: "\n"))", file: c.file, line: c.line)
                continue
            }
            for word in c.expect where !lines[0].lowercased().contains(word.lowercased()) {
                XCTFail("\(shown): \"\(lines[0])\" does not mention \"\(word)\"", file: c.file, line: c.line)
            }
        }
        return results
    }
}

/// A scratch folder with the files the cases point at: a directory, an empty file, random bytes under
/// every extension a loader looks at.
final class Scratch {
    let path: String

    init(_ label: String) throws {
        path = NSTemporaryDirectory() + "arroz-cli-\(label)-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: self["adir"], withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: self["adir.png"], withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: self["adir.npy"], withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: self["adir.safetensors"], withIntermediateDirectories: true)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var bytes = [UInt8](repeating: 0, count: 4096)
        for i in bytes.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
        }
        for ext in ["bin", "png", "npy", "safetensors", "txt"] {
            FileManager.default.createFile(atPath: self["empty.\(ext)"], contents: Data())
            FileManager.default.createFile(atPath: self["random.\(ext)"], contents: Data(bytes))
        }
        // Random bytes behind each format's own magic, so the parser gets past its first check.
        FileManager.default.createFile(atPath: self["magic.png"], contents: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bytes))
        FileManager.default.createFile(atPath: self["magic.npy"], contents: Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0] + bytes))
        var st = [UInt8](repeating: 0, count: 8)
        st[0] = 200  // header length 200, then random bytes as the "JSON"
        FileManager.default.createFile(atPath: self["magic.safetensors"], contents: Data(st + bytes))
    }

    subscript(name: String) -> String { (path as NSString).appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

// AcceptanceTests: `sample --prompt "red apple" --out a.png` on a fresh folder (no runs/) draws with the
// bundled model and `sample --from a.png` redraws the same pixels; a checkpoint write that runs out of disk
// (a small tmpfs) keeps the previous checkpoint and says so.
import ArrozImage
import Foundation
import XCTest

final class AcceptanceTests: XCTestCase {
    func encoderPresent() throws {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        guard FileManager.default.fileExists(atPath: home + "/.cache/arroz-studio/encoders/all-MiniLM-L6-v2") else {
            throw XCTSkip("MiniLM is not installed (run `make encoder`)")
        }
    }

    func testSampleOnFreshFolderAndReproduce() throws {
        try encoderPresent()
        let s = try Scratch("fresh")
        let a = try CLI.run(["sample", "--prompt", "red apple", "--out", "a.png", "--steps", "2"], cwd: s.path)
        XCTAssertFalse(a.signalled, "crashed: \(a.stderr)")
        XCTAssertEqual(a.status, 0, a.stderr)
        let img = try loadPNG(s["a.png"])
        XCTAssertEqual(img.width, 32)
        let text = try loadPNGText(s["a.png"])
        let params = try XCTUnwrap(text["parameters"], "a.png has no parameters chunk")
        XCTAssertTrue(params.hasPrefix("red apple\nPrompt B: "), params)
        XCTAssertTrue(params.contains("Steps: 2"), params)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s["runs"]), "sample made a runs/ folder")
        let b = try CLI.run(["sample", "--from", "a.png", "--out", "b.png"], cwd: s.path)
        XCTAssertFalse(b.signalled, "crashed: \(b.stderr)")
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertFalse(b.stderr.contains("warning"), b.stderr)
        let again = try loadPNG(s["b.png"])
        XCTAssertEqual(again.width, img.width)
        XCTAssertEqual(again.pixels, img.pixels, "sample --from a.png drew different pixels")
        XCTAssertEqual(try loadPNGText(s["b.png"])["parameters"], params)
    }

    /// A continued run takes new --steps/--checkpoint-every (written to run.json) and refuses settings that would
    /// make it another run.
    func testContinuedRunTakesNewScheduleOptions() throws {
        try encoderPresent()
        let s = try Scratch("resume")
        let start = ["train", "--recipe", "shapes-ddpm", "--limit", "64", "--batch-size", "4", "--sample-every", "1000",
                     "--threads", "1", "--steps", "2"]
        let a = try CLI.run(start, cwd: s.path)
        XCTAssertEqual(a.status, 0, a.stderr)
        let b = try CLI.run(["train", "--run", "runs/shapes-ddpm", "--steps", "4", "--checkpoint-every", "1",
                             "--sample-every", "1000", "--threads", "1", "--json"], cwd: s.path)
        XCTAssertEqual(b.status, 0, b.stderr)
        // A checkpoint after every step now: steps 3 and 4.
        XCTAssertEqual(b.stdout.components(separatedBy: "\"event\":\"checkpoint\"").count - 1, 2, b.stdout)
        let run = try String(contentsOfFile: s["runs/shapes-ddpm/run.json"], encoding: .utf8)
        XCTAssertTrue(run.contains("\"checkpointEvery\" : 1") || run.contains("\"checkpointEvery\":1"), run)
        let c = try CLI.run(["train", "--run", "runs/shapes-ddpm", "--batch-size", "8"], cwd: s.path)
        XCTAssertNotEqual(c.status, 0)
        XCTAssertFalse(c.signalled, c.stderr)
        XCTAssertEqual(c.messageLines.count, 1, c.stderr)
        XCTAssertTrue(c.stderr.contains("--batch-size") && c.stderr.contains("--name NEW"), c.stderr)
    }

    /// A run directory on a tmpfs that fills up after the first checkpoint (a filler file leaves room for half
    /// of the next one): the second write fails, `latest.safetensors` still holds step 1, and the one error
    /// line says so. One training run; the filler goes in while step 2 runs.
    func testCheckpointWriteFailureKeepsPrevious() throws {
        try encoderPresent()
        let s = try Scratch("tmpfs")
        let mnt = s["mnt"]
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        let mount = try shell("/bin/mount", ["-t", "tmpfs", "-o", "size=40m", "tmpfs", mnt])
        guard mount.status == 0 else {
            throw XCTSkip("cannot mount a tmpfs here (\(mount.output.trimmingCharacters(in: .whitespacesAndNewlines))); the disk-full case needs root")
        }
        defer { _ = try? shell("/bin/umount", ["-l", mnt]) }
        let args = ["train", "--recipe", "shapes-ddpm", "--limit", "64", "--batch-size", "4", "--sample-every", "1000",
                    "--threads", "1", "--runs-dir", mnt, "--steps", "3", "--checkpoint-every", "1"]  // step 2 is not the last: no preview grid before its checkpoint
        let ckpt = mnt + "/shapes-ddpm/checkpoints/latest.safetensors"
        var size = 0
        let r = try CLI.run(args, cwd: s.path, whileRunning: {
            // The first checkpoint is in place (renamed: complete): fill the disk up to half a checkpoint.
            guard size == 0, let n = (try? FileManager.default.attributesOfItem(atPath: ckpt))?[.size] as? Int, n > 0
            else { return }
            size = n
            let free = (try? FileManager.default.attributesOfFileSystem(forPath: mnt)[.systemFreeSize] as? Int) ?? 0
            FileManager.default.createFile(atPath: mnt + "/filler", contents: Data(count: max(0, free - n / 2)))
        })
        XCTAssertGreaterThan(size, 0, "no first checkpoint was written: \(r.stderr.suffix(400))")
        XCTAssertFalse(r.signalled, "crashed: \(r.stderr)")
        XCTAssertNotEqual(r.status, 0, "training on a full disk exited 0")
        let lines = r.messageLines
        XCTAssertEqual(lines.count, 1, lines.joined(separator: "\n"))
        let line = lines.last ?? ""
        XCTAssertTrue(line.hasPrefix("Error: "), line)
        for word in ["latest.safetensors", "intact", "No space left", "step 1", "step 2"] {
            XCTAssertTrue(line.contains(word), "\"\(line)\" does not mention \"\(word)\"")
        }
        // The previous checkpoint is whole: inspect reads it at step 1, and no temporary file is left.
        let inspect = try CLI.run(["inspect", ckpt], cwd: s.path)
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("step 1"), inspect.stdout)
        let left = try FileManager.default.contentsOfDirectory(atPath: mnt + "/shapes-ddpm/checkpoints")
        XCTAssertEqual(left, ["latest.safetensors"])
        print("tmpfs 40 MiB filled to half a checkpoint (\(size) bytes) after step 1: \(line)")
    }

    func shell(_ tool: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

// InputChecks: what every command checks before a value reaches the engine (release builds run -Ounchecked,
// where a precondition is not checked at all): each failure is one line naming the option, what was wrong and
// the valid range.
import ArgumentParser
import ArrozDiffusion
import ArrozTensor
import ArrozTrain
import Foundation

enum InputChecks {
    /// `--threads`: 1 to 256.
    static func threads(_ n: Int) throws -> Int {
        guard (1...256).contains(n) else {
            throw ValidationError("--threads: \(n) is not valid (a whole number from 1 to 256)")
        }
        return n
    }

    /// A whole-number option within `range`.
    static func int(_ value: Int, _ option: String, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option): \(value) is not valid (a whole number from \(range.lowerBound) to \(range.upperBound))")
        }
    }

    /// A number option within `range` (NaN and ∞ are never valid).
    static func float(_ value: Float, _ option: String, _ range: ClosedRange<Float>) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(option): \(value) is not valid (a number from \(range.lowerBound) to \(range.upperBound))")
        }
    }

    static func double(_ value: Double, _ option: String, _ range: ClosedRange<Double>) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(option): \(value) is not valid (a number from \(range.lowerBound) to \(range.upperBound))")
        }
    }

    /// A sampler name (lenient spelling: `euler-a`, `DPM++ 2M`).
    static func sampler(_ name: String, option: String = "--sampler") throws -> SamplerKind {
        guard let k = SamplerKind(name: name) else {
            throw ValidationError("\(option): unknown sampler '\(name)' (choices: \(SamplerKind.choices))")
        }
        return k
    }

    /// An input file that must exist, be a regular file and be non-empty; `what` says what it should be.
    static func inputFile(_ path: String, _ option: String, what: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ValidationError("\(option): \(path) does not exist (give \(what))")
        }
        guard !isDir.boolValue else {
            throw ValidationError("\(option): \(path) is a directory (give \(what))")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { throw ValidationError("\(option): \(path) is empty (give \(what))") }
    }

    /// The checkpoint `--run DIR` or `--checkpoint FILE` names, else the bundled default model.
    static func checkpoint(run: String?, checkpoint: String?) throws -> (path: String, name: String) {
        if let checkpoint {
            try inputFile(checkpoint, "--checkpoint", what: "a .safetensors checkpoint")
            return (checkpoint, checkpoint)
        }
        if let run {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: run, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("--run: \(run) is not a run directory (give one made by `arroz-studio train`)")
            }
            let dir = RunDirectory(path: run)
            guard dir.hasCheckpoint else {
                throw ValidationError("--run: \(run) has no checkpoint yet (train it first: arroz-studio train --run \(run))")
            }
            return (dir.latestCheckpoint, "\(dir.name) · ema")
        }
        guard let d = DefaultModel.path else {
            throw ValidationError("no --run or --checkpoint, and this build has no bundled default model")
        }
        return (d, DefaultModel.name)
    }
}

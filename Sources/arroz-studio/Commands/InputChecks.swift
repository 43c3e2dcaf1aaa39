// InputChecks: what every command checks before a value reaches the engine (release builds run -Ounchecked,
// where a precondition is not checked at all): each failure is one line naming the option, what was wrong and
// the valid range.
import ArgumentParser
import ArrozDiffusion
import ArrozTensor
import ArrozImage
import ArrozNN
import ArrozText
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
        try double(Double(value), option, Double(range.lowerBound)...Double(range.upperBound))
    }

    static func double(_ value: Double, _ option: String, _ range: ClosedRange<Double>) throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError(
                "\(option): \(number(value)) is not valid (a number from \(number(range.lowerBound)) to \(number(range.upperBound)))")
        }
    }

    /// `3` for 3.0, `0.01`, `nan`, `inf`: how a bound or a value reads in a message.
    static func number(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        if x.isFinite, abs(x) >= 1e15 { return String(format: "%g", x) }
        return "\(Float(x))"
    }

    /// Help text for a seed option (UInt64).
    static let seedRange = "0 to 18446744073709551615"

    /// An output file: a non-empty name, not a directory, in a folder that exists.
    static func outputFile(_ path: String, _ option: String) throws {
        guard !path.isEmpty else { throw ValidationError("\(option): give a file name") }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw ValidationError("\(option): \(path) is a directory (give a file name inside it)")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("\(option): the folder \(parent) does not exist (create it first)")
            }
        }
    }

    /// A prompt argument that names an embedding file (`file:e.npy`, or an existing .npy/.safetensors): the
    /// file must exist, be a file and hold [D] or [N, D] finite float vectors. Text prompts pass.
    static func prompt(_ argument: String, _ option: String) throws {
        guard case .embeddingFile(let path) = PromptSource(argument) else { return }
        try inputFile(path, option, what: "a .npy or .safetensors embedding file")
        do {
            _ = try PromptSource.readEmbedding(path, dimension: nil)
        } catch {
            throw ValidationError("\(option): \(error)")
        }
    }

    /// A PNG input: a non-empty file that decodes.
    static func png(_ path: String, _ option: String, what: String) throws {
        try inputFile(path, option, what: what)
        do { _ = try loadPNG(path) } catch { throw ValidationError("\(option): \(error)") }
    }

    /// A checkpoint file: exists, a file, non-empty, and a valid safetensors file.
    static func checkpointFile(_ path: String, _ option: String) throws {
        try inputFile(path, option, what: "a .safetensors checkpoint")
        do { _ = try SafeTensorsFile(path: path) } catch { throw ValidationError("\(option): \(error)") }
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

    /// A positional checkpoint-or-run-directory argument (`inspect`, `export`): the checkpoint file it names.
    static func checkpointOrRun(_ path: String, _ what: String) throws -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            let dir = RunDirectory(path: path)
            guard dir.hasCheckpoint else {
                throw ValidationError("\(path) is a directory with no checkpoints/latest.safetensors (give a checkpoint file or a run directory made by `arroz-studio train`)")
            }
            try checkpointFile(dir.latestCheckpoint, "run \(path)")
            return dir.latestCheckpoint
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("\(path) does not exist (give a .safetensors checkpoint or a run directory)")
        }
        try checkpointFile(path, "checkpoint")
        return path
    }

    /// The checkpoint `--run DIR` or `--checkpoint FILE` names, else the bundled default model.
    static func checkpoint(run: String?, checkpoint: String?) throws -> (path: String, name: String) {
        if let checkpoint {
            try checkpointFile(checkpoint, "--checkpoint")
            return (checkpoint, checkpoint)
        }
        if let run {
            let dir = try trainedRun(run)
            return (dir.latestCheckpoint, "\(dir.name) · ema")
        }
        guard let d = DefaultModel.path else {
            throw ValidationError("no --run or --checkpoint, and this build has no bundled default model")
        }
        return (d, DefaultModel.name)
    }

    /// `--run DIR`: a run directory made by `train` with a readable latest checkpoint.
    static func trainedRun(_ run: String) throws -> RunDirectory {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: run, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("--run: \(run) is not a run directory (give one made by `arroz-studio train`)")
        }
        let dir = RunDirectory(path: run)
        guard dir.hasCheckpoint else {
            throw ValidationError("--run: \(run) has no checkpoint yet (train it first: arroz-studio train --run \(run))")
        }
        try checkpointFile(dir.latestCheckpoint, "--run")
        return dir
    }

    /// `--precision fp32|bf16`: sets the process-wide compute precision (bf16: convolutions, matmuls and
    /// attention products in bf16 with fp32 accumulation on oneDNN; norms, softmax, losses, samplers fp32).
    static func precision(_ name: String?) throws {
        guard let name else { return }
        guard let p = Precision(rawValue: name) else {
            throw ValidationError("--precision: unknown precision '\(name)' (choices: fp32, bf16)")
        }
        if p == .bf16 && !Precision.bf16Available {
            throw ValidationError(
                "--precision: bf16 needs oneDNN (libdnnl) on a CPU with AVX512-BF16 or AMX (\(OneDNN.status)); use fp32")
        }
        Precision.default = p
    }
}

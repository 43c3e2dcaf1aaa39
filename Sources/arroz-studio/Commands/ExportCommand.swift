// ExportCommand: `arroz-studio export` — a small sampling-only checkpoint (EMA weights, no optimizer state).
import ArgumentParser
import ArrozTrain
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a sampling-only checkpoint: the EMA weights under the model's names, no optimizer state.")

    @Argument(help: "A run directory or a checkpoint file.") var source: String
    @Option(help: "Output .safetensors.") var out: String

    func run() throws {
        var path = source
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: source, isDirectory: &isDir), isDir.boolValue {
            path = RunDirectory(path: source).latestCheckpoint
        }
        let bytes = try Export.samplingCheckpoint(from: path, to: out)
        print(String(format: "wrote %@ (%.1f MB) from %@", out, Double(bytes) / 1e6, path))
    }
}

// ExportCommand: `arroz-studio export` — a small sampling-only checkpoint (EMA weights, no optimizer state).
import ArgumentParser
import ArrozModels
import ArrozTrain
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a sampling-only checkpoint: the EMA weights under the model's names, no optimizer state.")

    @Argument(help: "A run directory or a checkpoint file.") var source: String?
    @Option(help: "Instead: a checkpoint written by `import`; writes the upstream state_dict names (load with strict=True) and prints the kwargs.")
    var upstream: String?
    @Option(help: "Output .safetensors.") var out: String
    @Flag(help: "Export the live weights instead of the EMA weights (early in a run the EMA still lags).")
    var noEma = false

    func validate() throws {
        guard (source == nil) != (upstream == nil) else {
            throw ValidationError("give either a run directory / checkpoint or --upstream CHECKPOINT, not both or neither")
        }
        if let source { _ = try InputChecks.checkpointOrRun(source, "source") }
        if let upstream { try InputChecks.checkpointFile(upstream, "--upstream") }
        try InputChecks.outputFile(out, "--out")
    }

    func run() throws {
        if let upstream {
            let (cls, kwargs) = try UpstreamIO.exportUpstream(checkpoint: upstream, to: out)
            print("wrote \(out): \(cls) state_dict")
            print("kwargs \(kwargs)")
            return
        }
        guard let source else { return }
        let path = try InputChecks.checkpointOrRun(source, "source")
        let bytes = try Export.samplingCheckpoint(from: path, to: out, ema: !noEma)
        print(String(format: "wrote %@ (%.1f MB) from %@", out, Double(bytes) / 1e6, path))
    }
}

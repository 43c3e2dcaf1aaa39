// ArrozCommand: the root command — the studio by default, plus the headless subcommands — and the entry point
// that turns every error into one line on stderr.
import ArgumentParser
import Foundation

struct ArrozCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arroz-studio",
        abstract: "Train and sample small text-conditioned diffusion models on a CPU, in a terminal studio.",
        version: "0.1.0",
        subcommands: [
            TUICommand.self, TrainCommand.self, SampleCommand.self, InterpolateCommand.self, EmbedCommand.self,
            EvalCommand.self, InspectCommand.self, ExportCommand.self, BenchCommand.self,
            ImportCommand.self,
            ForwardCommand.self,
        ],
        defaultSubcommand: TUICommand.self
    )

    /// ArgumentParser's `main()`, except that a failure prints one line: `Error: <what>` plus, for a value
    /// that did not parse, the option's help (which states its valid range) — no usage block. `--help` and
    /// `--version` print as usual.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((errorLine(for: error) + "\n").utf8))
            Foundation.exit(code.rawValue)
        }
    }

    /// `Error: The value 'abc' is invalid for '--n <n>' (--n <n>: Images per prompt, 1 to 64.)`.
    static func errorLine(for error: Error) -> String {
        let lines = fullMessage(for: error).split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        var line = lines.first ?? "Error: \(error)"
        if !line.hasPrefix("Error: ") { line = "Error: " + line }
        if let help = lines.first(where: { $0.hasPrefix("Help: ") }) {
            line += " (" + help.dropFirst("Help: ".count) + ")"
        }
        return line
    }
}

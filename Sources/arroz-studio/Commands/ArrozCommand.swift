// ArrozCommand: the root command — the studio by default, plus the headless subcommands.
import ArgumentParser

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
}

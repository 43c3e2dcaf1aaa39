// BenchCommand: `arroz-studio bench <suite>` — speed measured in release builds, never in tests.
import ArgumentParser
import ArrozTensor

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (run a release build): GFLOP/s per op, images/s per model.",
        subcommands: [BenchOps.self, BenchPointwise.self, BenchModels.self, BenchText.self, BenchData.self, BenchStudio.self]
    )
}

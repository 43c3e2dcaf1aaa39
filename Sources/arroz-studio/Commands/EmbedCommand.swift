// EmbedCommand: `arroz-studio embed "a red apple" ["a green apple"]` — encode prompts (or embedding files),
// show each vector's norm and a sparkline, the cosine similarity of two, and optionally save them as .npy.
import ArgumentParser
import ArrozTensor
import ArrozText
import Foundation

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Encode prompts: norm, a sparkline of each vector, and the cosine similarity of two.",
        discussion: """
            A prompt may also be an embedding file: "file:e.npy", or an existing path ending in .npy or \
            .safetensors. The default encoder (all-MiniLM-L6-v2) is fetched by `make encoder`.
            """)

    @Argument(help: "Prompts (or embedding files) to encode.") var prompts: [String] = []
    @Option(name: .customLong("prompts-file"), help: "A UTF-8 text file with one prompt per line.")
    var promptsFile: String?
    @Option(help: "Text encoder: minilm, or clip:DIR (a CLIP text model saved with save_pretrained).")
    var encoder = "minilm"
    @Option(help: "Write the pooled embeddings [N, D] to this .npy file.") var out: String?
    @Option(help: "Sparkline characters per line, 8 to 100000.") var width = 64

    func validate() throws {
        if prompts.isEmpty && promptsFile == nil { throw ValidationError("give at least one prompt (or --prompts-file FILE)") }
        try InputChecks.int(width, "--width", 8...100_000)
        for p in prompts { try InputChecks.prompt(p, "prompt") }
        if let promptsFile {
            try InputChecks.inputFile(promptsFile, "--prompts-file", what: "a UTF-8 text file with one prompt per line")
            do {
                let lines = try PromptSource.readPromptFile(promptsFile)
                for p in lines { try InputChecks.prompt(p, "--prompts-file: a line of \(promptsFile)") }
            } catch let e as ValidationError {
                throw e
            } catch {
                throw ValidationError("--prompts-file: \(error)")
            }
        }
        if let out { try InputChecks.outputFile(out, "--out") }
        if encoder != "minilm" && !encoder.hasPrefix("clip:") {
            throw ValidationError("--encoder: unknown encoder '\(encoder)' (choices: minilm, clip:DIR)")
        }
    }

    func run() throws {
        var all = prompts
        if let promptsFile { all += try PromptSource.readPromptFile(promptsFile) }
        let model = try TextEncoders.make(encoder)
        var rows: [[Float]] = []
        for p in all {
            let t = try PromptSource(p).embedding(using: model)  // [n, D]
            let D = t.shape[1]
            for r in 0..<t.shape[0] { rows.append(Array(t.scalars[(r * D)..<((r + 1) * D)])) }
        }
        print("encoder \(model.name) · \(model.dimension) dims")
        for (i, row) in rows.enumerated() {
            let label = i < all.count ? PromptSource(all[i]).label : "row \(i)"
            let norm = row.map { $0 * $0 }.reduce(0, +).squareRoot()
            print("\n\"\(label.count > 60 ? String(label.prefix(60)) + "…" : label)\"  norm \(fmt(norm))")
            for line in sparkline(row, width: width) { print("  " + line) }
        }
        if rows.count == 2 { print("\ncosine similarity \(fmt(cosine(rows[0], rows[1])))") }
        if rows.count > 2 {
            print("\ncosine similarity")
            for i in 0..<rows.count {
                print((0..<rows.count).map { fmt(cosine(rows[i], rows[$0])) }.joined(separator: " "))
            }
        }
        if let out {
            try NpyFile.write(Tensor(rows.flatMap { $0 }, shape: [rows.count, rows[0].count]), to: out)
            print("\nwrote \(rows.count)×\(rows[0].count) float32 to \(out)")
        }
    }

    func fmt(_ v: Float) -> String { String(format: "%.4f", v) }

    func cosine(_ a: [Float], _ b: [Float]) -> Float {
        let dot = zip(a, b).map(*).reduce(0, +)
        let n = (a.map { $0 * $0 }.reduce(0, +) * b.map { $0 * $0 }.reduce(0, +)).squareRoot()
        return n > 0 ? dot / n : 0
    }
}

/// The vector as lines of ▁…█, each character one value scaled from [−max|v|, max|v|].
func sparkline(_ values: [Float], width: Int) -> [String] {
    let bars = Array("▁▂▃▄▅▆▇█")
    let m = values.map(abs).max() ?? 0
    let chars = values.map { v -> Character in
        guard m > 0, v.isFinite else { return bars[0] }
        let level = Int(((v / m + 1) / 2 * Float(bars.count - 1)).rounded())
        return bars[min(max(level, 0), bars.count - 1)]
    }
    return stride(from: 0, to: chars.count, by: width).map {
        String(chars[$0..<min($0 + width, chars.count)])
    }
}

// BenchData: `arroz-studio bench data` — PNG, sixel, half-block and data-loading speed (release build).
import ArgumentParser
import ArrozData
import ArrozImage
import ArrozTensor
import Foundation

struct BenchData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "PNG/sixel/half-block ms per image; dataset load and batches per second.")

    @Option(help: "Side of the test picture for PNG, sixel and half-block timings.") var size = 256
    @Option(help: "Batch size for the loader timings.") var batch = 64

    func run() throws {
        print("arroz-studio bench data · \(size)×\(size) picture · batch \(batch)")
        print(String(repeating: "─", count: 72))
        // A picture with smooth gradients and edges, like a sampler preview.
        var image = RGBImage(width: size, height: size)
        for y in 0..<size {
            for x in 0..<size {
                let r = UInt8(255 * x / max(size - 1, 1)), g = UInt8(255 * y / max(size - 1, 1))
                image[x, y] = (r, g, (x / 16 + y / 16) % 2 == 0 ? 40 : 210)
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arroz-bench-\(getpid()).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        report("PNG save", measure(round: 0.3, wantClean: 3, maxRounds: 10) {
            try? savePNG(image, path, text: ["parameters": "bench"])
        })
        report("PNG load", measure(round: 0.3, wantClean: 3, maxRounds: 10) { _ = try? loadPNG(path) })
        report("sixel encode (256 colours)", measure(round: 0.3, wantClean: 3, maxRounds: 10) {
            _ = try? Sixel.encode(image, colors: 256, diffusion: .none)
        })
        report("sixel encode (atkinson)", measure(round: 0.3, wantClean: 3, maxRounds: 10) {
            _ = try? Sixel.encode(image, colors: 256, diffusion: .atkinson)
        })
        report("half-blocks 80×40 + SGR", measure(round: 0.3, wantClean: 3, maxRounds: 10) {
            _ = HalfBlock.ansi(image, columns: 80, rows: 40)
        })
        report("resize area → 32×32", measure(round: 0.3, wantClean: 3, maxRounds: 10) {
            _ = image.resized(width: 32, height: 32, filter: .area)
        })

        var t0 = Date()
        let fashion = try FashionMNIST(split: .train)
        print(line("Fashion-MNIST train load (\(fashion.count))", Date().timeIntervalSince(t0) * 1e3, "ms"))
        t0 = Date()
        let emoji = try EmojiDataset(size: 32)
        print(line("emoji index (\(emoji.count) entries)", Date().timeIntervalSince(t0) * 1e3, "ms"))
        var k = 0
        report("emoji decode + composite + resize", measure(round: 0.3, wantClean: 3, maxRounds: 10) {
            _ = try? emoji.bitmap(k % emoji.count, size: 32)
            k += 97
        })
        // Emoji: the first epoch decodes every bitmap (then they are cached); later epochs only batch.
        let fresh = try EmojiDataset(size: 32)
        let firstEpoch = DataLoader(dataset: fresh, batchSize: batch, seed: 0, horizontalFlip: true, prefetch: 2)
        t0 = Date()
        for _ in 0..<firstEpoch.batchesPerEpoch { _ = try firstEpoch.next() }
        let decodeEpoch = Date().timeIntervalSince(t0) / Double(firstEpoch.batchesPerEpoch)
        print(line("emoji batches, first epoch (decoding)", 1 / decodeEpoch, "batch/s"))
        for (label, data) in [("Fashion-MNIST", fashion as any Dataset), ("emoji, cached", fresh)] {
            for prefetch in [0, 2] {
                let loader = DataLoader(
                    dataset: data, batchSize: batch, seed: 1, horizontalFlip: true, prefetch: prefetch)
                let n = 2 * loader.batchesPerEpoch
                t0 = Date()
                for _ in 0..<n { _ = try loader.next() }
                let perBatch = Date().timeIntervalSince(t0) / Double(n)
                print(line("\(label) batches, prefetch \(prefetch)", 1 / perBatch, "batch/s"))
            }
        }
    }

    private func line(_ name: String, _ value: Double, _ unit: String) -> String {
        name.padding(toLength: 46, withPad: " ", startingAt: 0) + String(format: "%10.2f %@", value, unit)
    }

    private func report(_ name: String, _ t: Timing) {
        print(line(name, t.median * 1e3, "ms") + String(format: "  (best %.2f, %d/%d clean)", t.best * 1e3,
            t.clean, t.rounds))
    }
}

// Progress: a terminal progress bar with it/s and ETA, or JSON lines with --json, for long headless work.
import Foundation

/// Prints progress for `total` units of work, at most every `interval` seconds (always on the last unit).
final class Progress {
    var total: Int
    let label: String
    let json: Bool
    let start = Date()
    var lastPrint = Date.distantPast
    let interval: Double
    let isTTY = isatty(STDERR_FILENO) != 0

    init(total: Int, label: String, json: Bool, interval: Double = 0.25) {
        (self.total, self.label, self.json, self.interval) = (total, label, json, interval)
    }

    /// Reports `done` units (counted from this bar's start at `startAt`), with extra `fields` shown after.
    func update(_ done: Int, startAt: Int = 0, fields: [(String, String)] = [], force: Bool = false) {
        let now = Date()
        guard force || done >= total || now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done - startAt) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if json {
            var obj: [String: Any] = [
                "event": "progress", "label": label, "done": done, "total": total,
                "it_per_s": (rate * 100).rounded() / 100, "eta_s": eta.rounded(), "elapsed_s": elapsed.rounded(),
            ]
            for (k, v) in fields { obj[k] = Double(v) ?? v }
            if let data = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]),
                let s = String(data: data, encoding: .utf8)
            {
                print(s)
                fflush(stdout)
            }
            return
        }
        let width = 28
        let frac = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let extra = fields.map { "\($0.0) \($0.1)" }.joined(separator: "  ")
        let line = "\(label) \(bar) \(done)/\(total)  \(String(format: "%.2f", rate)) it/s  ETA \(formatDuration(eta))  \(extra)"
        if isTTY {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
            if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// Ends the bar's line.
    func finish() {
        if !json && isTTY { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// "1h 02m", "3m 20s", "12s".
func formatDuration(_ s: Double) -> String {
    guard s.isFinite, s >= 0 else { return "--" }
    let t = Int(s.rounded())
    if t >= 3600 { return String(format: "%dh %02dm", t / 3600, (t % 3600) / 60) }
    if t >= 60 { return String(format: "%dm %02ds", t / 60, t % 60) }
    return "\(t)s"
}

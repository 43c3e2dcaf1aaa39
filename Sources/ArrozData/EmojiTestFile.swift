// EmojiTestFile: RGI emoji with CLDR short names from Unicode's emoji-test.txt (Debian `unicode-data`).
import Foundation

/// One fully-qualified emoji from emoji-test.txt.
public struct EmojiName: Sendable, Hashable {
    /// The code points as listed (with U+FE0F where the emoji needs it).
    public let scalars: [UInt32]
    /// CLDR short name: "red apple", "woman dancing: light skin tone", "flag: Paraguay".
    public let name: String
    /// The `# group:` it is listed under ("Food & Drink").
    public let group: String
}

/// Parses emoji-test.txt (UTS #51 §"Data Files"): lines like
/// `1F34E ; fully-qualified # 🍎 E0.6 red apple`, grouped by `# group: Food & Drink` headers. Only
/// fully-qualified entries are kept (minimally- and un-qualified ones repeat them without U+FE0F; components
/// such as skin-tone swatches are not emoji by themselves).
public enum EmojiTestFile {
    public static let defaultPath = "/usr/share/unicode/emoji/emoji-test.txt"

    public static func read(_ path: String = defaultPath) throws -> [EmojiName] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.missing(
                dataset: "Unicode emoji names", path: path, package: UnicodeNames.debianPackage)
        }
        var out: [EmojiName] = []
        var group = ""
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("# group:") {
                group = line.dropFirst("# group:".count).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard !line.hasPrefix("#"), let semicolon = line.firstIndex(of: ";"),
                let hash = line.firstIndex(of: "#")
            else { continue }
            let status = line[line.index(after: semicolon)..<hash].trimmingCharacters(in: .whitespaces)
            guard status == "fully-qualified" else { continue }
            let scalars = line[..<semicolon].split(separator: " ").compactMap { UInt32($0, radix: 16) }
            // Comment: "# 🍎 E0.6 red apple" — the name follows the "E<version>" token.
            let words = line[line.index(after: hash)...].split(
                separator: " ", omittingEmptySubsequences: true)
            guard
                let version = words.firstIndex(where: {
                    $0.hasPrefix("E") && $0.dropFirst().first?.isNumber == true
                })
            else { continue }
            let name = words[(version + 1)...].joined(separator: " ")
            guard !scalars.isEmpty, !name.isEmpty else { continue }
            out.append(EmojiName(scalars: scalars, name: name, group: group))
        }
        guard !out.isEmpty else {
            throw DatasetError.badFile(path: path, reason: "no fully-qualified emoji lines found")
        }
        return out
    }
}

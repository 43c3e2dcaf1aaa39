// ThemeFile: parser for btop-style theme files — lines `theme[key]="#rrggbb"`, `#` comments.
import ArrozImage
import Foundation

/// Errors reading a theme file; each names the file, the line and the fix.
public enum ThemeFileError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case badLine(path: String, line: Int, text: String)
    case badColor(path: String, line: Int, key: String, value: String)

    public var description: String {
        switch self {
        case .unreadable(let p): "\(p): cannot read the theme file (hint: check the path and permissions)"
        case .badLine(let p, let n, let t):
            "\(p):\(n): expected theme[key]=\"#rrggbb\", found `\(t)` (hint: comment lines start with #)"
        case .badColor(let p, let n, let k, let v):
            "\(p):\(n): theme[\(k)] has colour \"\(v)\" "
                + "(hint: use \"#rrggbb\", \"#gg\" grey, \"r g b\" or \"\")"
        }
    }
}

/// Reads `.theme` files. Unknown keys are reported and ignored; missing keys come from the default theme.
public enum ThemeFile {
    /// Parses theme text. `path` is only used in error messages. Returns the theme and the unknown keys.
    public static func parse(
        _ text: String, name: String, path: String, fallback: Theme = .arrozDark
    ) throws -> (theme: Theme, unknownKeys: [String]) {
        var theme = fallback
        theme.name = name
        var unknown: [String] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]"),
                let eq = line[close...].firstIndex(of: "=")
            else { throw ThemeFileError.badLine(path: path, line: i + 1, text: line) }
            let key = String(line[line.index(line.startIndex, offsetBy: 6)..<close])
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else {
                throw ThemeFileError.badLine(path: path, line: i + 1, text: line)
            }
            value = String(value.dropFirst().dropLast())
            guard let color = parseColor(value) else {
                throw ThemeFileError.badColor(path: path, line: i + 1, key: key, value: value)
            }
            if let k = ThemeKey(rawValue: key) { theme.colors[k] = .some(color) } else { unknown.append(key) }
        }
        return (theme, unknown)
    }

    /// Loads a theme file; the theme's name is the file name without `.theme`.
    public static func load(path: String, fallback: Theme = .arrozDark) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else { throw ThemeFileError.unreadable(path: path) }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try parse(text, name: name, path: path, fallback: fallback).theme
    }

    /// `""` → nil (terminal default), `#rrggbb`, `#gg` (grey), or `r g b` in decimal. Outer nil = invalid.
    static func parseColor(_ v: String) -> RGB?? {
        if v.isEmpty { return .some(nil) }
        if v.hasPrefix("#") {
            if v.count == 3, let g = UInt8(v.dropFirst(), radix: 16) { return .some(RGB(g, g, g)) }
            if let c = RGB(hex: v) { return .some(c) }
            return nil
        }
        let parts = v.split(separator: " ").compactMap { UInt8($0) }
        if parts.count == 3, v.split(separator: " ").count == 3 {
            return .some(RGB(parts[0], parts[1], parts[2]))
        }
        return nil
    }
}

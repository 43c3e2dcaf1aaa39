// ThemeCatalog: finds theme files (flag dir, ./Themes, next to the binary, user config) and cycles them.
import Foundation

/// The themes the studio can show: the built-in arroz-dark and mono, plus every `*.theme` file found.
public struct ThemeCatalog {
    /// Directories searched, first match wins per name.
    public let directories: [String]
    /// Theme names in cycling order: arroz-dark, arroz-light, mono first, then the rest alphabetically.
    public let names: [String]
    private let files: [String: String]

    /// `extraDirectory` is `--themes-dir`; the rest are the standard places.
    public init(extraDirectory: String? = nil) {
        var dirs: [String] = []
        if let extraDirectory { dirs.append(extraDirectory) }
        let env = ProcessInfo.processInfo.environment
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        dirs.append(FileManager.default.currentDirectoryPath + "/Themes")
        dirs.append(exe.appendingPathComponent("../../Themes").standardized.path)  // .build/<config>/ → repo
        dirs.append(exe.appendingPathComponent("../share/arroz-studio/themes").standardized.path)
        let config = env["XDG_CONFIG_HOME"] ?? ((env["HOME"] ?? "~") + "/.config")
        dirs.append(config + "/arroz-studio/themes")
        self.init(directories: dirs)
    }

    public init(directories: [String]) {
        self.directories = directories
        var files: [String: String] = [:]
        for dir in directories {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for entry in entries.sorted() where entry.hasSuffix(".theme") {
                let name = String(entry.dropLast(".theme".count))
                if files[name] == nil { files[name] = dir + "/" + entry }
            }
        }
        self.files = files
        let preferred = ["arroz-dark", "arroz-light", "mono"]
        let all = Set(files.keys).union(["arroz-dark", "mono"])
        names = preferred.filter(all.contains) + all.subtracting(preferred).sorted()
    }

    /// The file a theme name comes from (nil for built-ins without a file).
    public func path(of name: String) -> String? { files[name] }

    /// Loads a theme by name: its file when there is one, else the built-in of that name.
    public func load(_ name: String) throws -> Theme {
        if let path = files[name] { return try ThemeFile.load(path: path) }
        switch name {
        case "arroz-dark", "default": return .arrozDark
        case "mono": return .mono
        default:
            throw ThemeFileError.unreadable(
                path: name + ".theme (searched " + directories.joined(separator: ", ") + ")")
        }
    }

    /// The name after `name` in cycling order.
    public func next(after name: String) -> String {
        guard let i = names.firstIndex(of: name) else { return names.first ?? "arroz-dark" }
        return names[(i + 1) % names.count]
    }
}

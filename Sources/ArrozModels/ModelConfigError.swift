// ModelConfigError: a model config that cannot build a model, with the setting to change.

public enum ModelConfigError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    case unknownFamily(String)

    public var description: String {
        switch self {
        case .invalid(let what): "invalid model config: \(what)"
        case .unknownFamily(let f):
            "unknown model family '\(f)' (known: \(ModelFamily.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}

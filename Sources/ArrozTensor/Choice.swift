// Choice: string-valued enums (settings in run.json, PNG parameters, CLI options) that decode with an error
// listing the valid choices instead of "cannot initialize from invalid String value".
import Foundation

/// A setting whose JSON form is one of a fixed set of strings.
public protocol Choice: RawRepresentable, CaseIterable, Codable where RawValue == String {}

extension Choice {
    /// The valid spellings, for messages: `adamw, adam, adam-keras`.
    public static var choices: String { allCases.map(\.rawValue).joined(separator: ", ") }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = Self(rawValue: s) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "unknown value '\(s)' (choices: \(Self.choices))"))
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

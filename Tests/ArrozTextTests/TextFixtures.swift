// TextFixtures: paths to the committed fixtures (written by Tests/Fixtures/fixtures_text.py) and the one
// MiniLM encoder the tests share (real weights from the cache `make encoder` fills; `make test` runs it).
import ArrozText
import Foundation

enum TextFixtures {
    static var directory: String { Bundle.module.resourceURL!.appendingPathComponent("Fixtures").path }
    static func path(_ name: String) -> String { directory + "/" + name }

    /// The decoded JSON object in fixture `name`.
    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(name)))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// (strings, ids) pairs of a tokenizer fixture.
    static func tokenCases(_ name: String, key: String) throws -> [(String, [Int])] {
        let object = try json(name)
        let strings = object[key] as! [String]
        let ids = (object["ids"] as! [[NSNumber]]).map { $0.map(\.intValue) }
        return Array(zip(strings, ids))
    }

    nonisolated(unsafe) static let minilm: Result<MiniLMEncoder, Error> = Result { try MiniLMEncoder() }

    static var clipVocabulary: String { EncoderDirectory.root + "/clip/bpe_simple_vocab_16e6.txt" }

    /// A fresh scratch directory under the system temp dir.
    static func scratch() -> String {
        let dir = NSTemporaryDirectory() + "arroz-text-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

// ModelHashTests: the checkpoint hash that PNGs record is FNV-1a as the doc comment says — pinned against values
// computed by hand in Python — so a PNG's `Model hash` keeps matching its checkpoint across builds.
import ArrozTrain
import Foundation
import Testing

@Suite struct ModelHashTests {
    /// `python3 -c` of the same loop: 64-bit FNV-1a over little-endian 8-byte words, then the tail bytes, then
    /// the length xor'ed in, first 12 hex digits.
    @Test func matchesTheHandComputedFNV1a() throws {
        #expect([UInt8]().withUnsafeBytes { ModelHash.of(bytes: $0) } == "cbf29ce48422")
        let text = Array("arroz con cosas".utf8)
        #expect(text.withUnsafeBytes { ModelHash.of(bytes: $0) } == "c2095c155fc9")
        let path = NSTemporaryDirectory() + "modelhash-\(getpid()).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(text).write(to: URL(fileURLWithPath: path))
        #expect(ModelHash.ofFile(path) == "c2095c155fc9")
        #expect(ModelHash.ofFile(path + ".missing") == nil)
    }
}

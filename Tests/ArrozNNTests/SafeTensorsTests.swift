// SafeTensorsTests: Python files load, our bytes equal Python's, round trips, and every bad input throws.
import ArrozNN
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

/// Writes a file with an arbitrary header and data section (for corrupt-file cases).
func rawSafeTensors(_ dir: String, _ name: String, header: String, data: [UInt8], lengthField: UInt64? = nil)
    -> String
{
    let json = Array(header.utf8)
    var bytes = [UInt8](repeating: 0, count: 8)
    var n = (lengthField ?? UInt64(json.count)).littleEndian
    withUnsafeBytes(of: &n) { for i in 0..<8 { bytes[i] = $0[i] } }
    let path = dir + "/" + name
    FileManager.default.createFile(atPath: path, contents: Data(bytes + json + data))
    return path
}

/// Expects `body` to throw a SafeTensorsError whose description mentions all of `mentions`, and returns it.
@discardableResult
func expectSafeTensorsError(
    mentioning mentions: [String], sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> SafeTensorsError? {
    do {
        try body()
        Issue.record("expected a SafeTensorsError", sourceLocation: sourceLocation)
    } catch let e as SafeTensorsError {
        for m in mentions {
            #expect(
                e.description.contains(m), "'\(m)' not in: \(e.description)", sourceLocation: sourceLocation)
        }
        #expect(e.description.contains("hint:"), sourceLocation: sourceLocation)
        return e
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite struct SafeTensorsTests {
    @Test func pythonWrittenFileLoads() throws {
        // safetensors.torch.save_file({f32, f16, bf16, i64}, metadata={"source": "python", ...})
        let f = try SafeTensorsFile(path: NNFixtures.path("python_mixed.safetensors"))
        #expect(f.names == ["bf16", "f16", "f32", "i64"])
        #expect(f.metadata == ["source": "python", "note": "a \"quoted\" value"])
        for name in f.names {
            let t = try f.tensor(name)
            let expected = NNFixtures.tensor("st.\(name)")
            #expect(t.shape == expected.shape)
            #expect(t.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern), "\(name) bit-exact")
        }
        #expect(f.entries["f16"]?.dtype == .F16 && f.entries["bf16"]?.dtype == .BF16)
        #expect(try f.int64s("i64") == [0, -5, 123_456_789, 16_777_216])
    }

    @Test func writerProducesPythonsExactBytes() throws {
        // save_file({"a": int64 [1, 2], "b.w": arange(6).reshape(2, 3), "c": ones(1)}, metadata={"k": 'v"q'})
        var w = SafeTensorsWriter(metadata: ["k": "v\"q"])
        w.add("c", Tensor.ones([1]))
        w.add("b.w", Tensor([0, 1, 2, 3, 4, 5], shape: [2, 3]))
        w.add("a", int64: [1, 2], shape: [2])
        let dir = makeTemporaryDirectory("bytes")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try w.write(to: dir + "/ours.safetensors")
        let ours = FileManager.default.contents(atPath: dir + "/ours.safetensors")
        let python = FileManager.default.contents(atPath: NNFixtures.path("python_plain.safetensors"))
        #expect(ours != nil && ours == python)
        // no temporary file left behind
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["ours.safetensors"])
    }

    @Test func roundTripAndPythonCheckFixture() throws {
        var w = SafeTensorsWriter(metadata: ["writer": "arroz-studio", "quote": "say \"hi\"\n"])
        w.add("w", Tensor((0..<12).map { Float($0) / 4 }, shape: [3, 4]))
        w.add("b", Tensor([-1, 0.5]))
        w.add("count", int64: [7, -3, 1 << 40], shape: [3])
        let dir = makeTemporaryDirectory("roundtrip")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/swift_written.safetensors"
        try w.write(to: path)
        let f = try SafeTensorsFile(path: path)
        #expect(f.metadata == w.metadata)
        #expect(try f.tensor("w").scalars == (0..<12).map { Float($0) / 4 })
        #expect(try f.tensor("b").scalars == [-1, 0.5])
        #expect(try f.int64s("count") == [7, -3, 1 << 40])
        #expect(try f.tensor("count").shape == [3])
        // The data section starts 8-byte aligned, as Python's writer pads the header.
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        #expect((size - 12 * 4 - 2 * 4 - 3 * 8) % 8 == 0)
        // ARROZ_WRITE_FIXTURES=1 refreshes the file that fixtures_nn.py loads with Python's safetensors.
        if ProcessInfo.processInfo.environment["ARROZ_WRITE_FIXTURES"] == "1" {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
            try w.write(to: source + "/Fixtures/swift_written.safetensors")
        }
    }

    @Test func committedSwiftFileStillReads() throws {
        // Checked in Python by fixtures_nn.py (safetensors.torch.load_file) when regenerating.
        let f = try SafeTensorsFile(path: NNFixtures.path("swift_written.safetensors"))
        #expect(try f.tensor("b").scalars == [-1, 0.5] && f.metadata["writer"] == "arroz-studio")
    }

    @Test func layerLoadsWithPrefixAndReportsKeys() throws {
        var rng = ArrozRandom(seed: 2)
        let a = Linear(3, 2, rng: &rng), b = Linear(3, 2, rng: &rng)
        let dir = makeTemporaryDirectory("layer")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var w = SafeTensorsWriter()
        a.add(to: &w, prefix: "model.")
        w.add("model.extra", Tensor([1]))
        w.add("other", Tensor([1]))
        try w.write(to: dir + "/m.safetensors")
        let f = try SafeTensorsFile(path: dir + "/m.safetensors")
        let before = b.weight.scalars
        let e = expectSafeTensorsError(mentioning: ["m.safetensors", "model.extra"]) {
            try b.load(from: f, prefix: "model.")
        }
        #expect(e == .keysMismatch(file: f.path, prefix: "model.", missing: [], unexpected: ["model.extra"]))
        #expect(b.weight.scalars == before)  // a failed load writes nothing
        let report = try b.load(from: f, prefix: "model.", strict: false)
        #expect(
            report.loaded == ["weight", "bias"] && report.unexpected == ["model.extra"]
                && report.missing == [])
        #expect(b.weight.scalars == a.weight.scalars && b.bias?.scalars == a.bias?.scalars)
        // No prefix: every model key is missing.
        let missing = expectSafeTensorsError(mentioning: ["missing weight, bias"]) { try b.load(from: f) }
        #expect(missing != nil)
    }

    @Test func shapeMismatchNamesTensorAndShapes() throws {
        var rng = ArrozRandom(seed: 2)
        let dir = makeTemporaryDirectory("shape")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Linear(4, 2, rng: &rng).saveSafeTensors(to: dir + "/lin.safetensors")
        let f = try SafeTensorsFile(path: dir + "/lin.safetensors")
        let e = expectSafeTensorsError(mentioning: ["lin.safetensors", "'weight'", "[2, 3]", "[2, 4]"]) {
            try Linear(3, 2, rng: &rng).load(from: f)
        }
        #expect(e == .shapeMismatch(file: f.path, tensor: "weight", expected: [2, 3], found: [2, 4]))
        let m = expectSafeTensorsError(mentioning: ["lin.safetensors", "'nope'", "bias, weight"]) {
            _ = try f.tensor("nope")
        }
        #expect(m == .missingTensor(file: f.path, tensor: "nope", available: ["bias", "weight"]))
    }

    // MARK: - Corrupt files: each throws its own error naming the file (and tensor), never crashes.

    static let good =
        #"{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"#
        + #""b":{"dtype":"F32","shape":[6],"data_offsets":[24,48]}}"#

    @Test func truncatedFiles() throws {
        let dir = makeTemporaryDirectory("trunc")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tiny = dir + "/tiny.safetensors"
        FileManager.default.createFile(atPath: tiny, contents: Data([1, 2, 3, 4, 5]))
        let e1 = expectSafeTensorsError(mentioning: ["tiny.safetensors", "truncated"]) {
            _ = try SafeTensorsFile(path: tiny)
        }
        #expect(e1 == .truncated(file: tiny, size: 5, needed: 8))
        let cut = rawSafeTensors(
            dir, "cut.safetensors", header: Self.good, data: [UInt8](repeating: 0, count: 40))
        let e2 = expectSafeTensorsError(mentioning: ["cut.safetensors", "truncated"]) {
            _ = try SafeTensorsFile(path: cut)
        }
        let headerEnd = 8 + Self.good.utf8.count
        #expect(e2 == .truncated(file: cut, size: headerEnd + 40, needed: headerEnd + 48))
        let missing = expectSafeTensorsError(mentioning: ["/no/such/file.safetensors"]) {
            _ = try SafeTensorsFile(path: "/no/such/file.safetensors")
        }
        #expect(missing != nil)
    }

    @Test func headerLengthLargerThanFile() {
        let dir = makeTemporaryDirectory("hlen")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = rawSafeTensors(
            dir, "big.safetensors", header: Self.good, data: [UInt8](repeating: 0, count: 48),
            lengthField: 1 << 40)
        let e = expectSafeTensorsError(mentioning: ["big.safetensors", "header length"]) {
            _ = try SafeTensorsFile(path: p)
        }
        if case .headerTooLarge(_, let n, _)? = e {
            #expect(n == 1 << 40)
        } else {
            Issue.record("wrong case \(String(describing: e))")
        }
    }

    @Test func badJSON() {
        let dir = makeTemporaryDirectory("json")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = rawSafeTensors(dir, "bad.safetensors", header: #"{"a":{"dtype":"F32",,}"#, data: [])
        let e = expectSafeTensorsError(mentioning: ["bad.safetensors", "JSON"]) {
            _ = try SafeTensorsFile(path: p)
        }
        if case .badHeader? = e {} else { Issue.record("wrong case \(String(describing: e))") }
        let arr = rawSafeTensors(dir, "arr.safetensors", header: "[1, 2]", data: [])
        expectSafeTensorsError(mentioning: ["arr.safetensors", "not a JSON object"]) {
            _ = try SafeTensorsFile(path: arr)
        }
        let entry = rawSafeTensors(
            dir, "entry.safetensors", header: #"{"a":{"dtype":"F32","shape":[1]}}"#, data: [])
        let e3 = expectSafeTensorsError(mentioning: ["entry.safetensors", "'a'", "data_offsets"]) {
            _ = try SafeTensorsFile(path: entry)
        }
        if case .badEntry? = e3 {} else { Issue.record("wrong case \(String(describing: e3))") }
    }

    @Test func offsetsOutOfRangeOverlappingOrWrongSize() {
        let dir = makeTemporaryDirectory("offsets")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = [UInt8](repeating: 0, count: 48)
        let outside = rawSafeTensors(
            dir, "out.safetensors",
            header:
                #"{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"#
                + #""b":{"dtype":"F32","shape":[6],"data_offsets":[1000,1024]}}"#,
            data: data)
        let e1 = expectSafeTensorsError(mentioning: ["out.safetensors", "'b'", "1000"]) {
            _ = try SafeTensorsFile(path: outside)
        }
        #expect(e1 == .offsetsOutOfRange(file: outside, tensor: "b", begin: 1000, end: 1024, dataSize: 48))
        let overlap = rawSafeTensors(
            dir, "overlap.safetensors",
            header:
                #"{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"#
                + #""b":{"dtype":"F32","shape":[6],"data_offsets":[16,40]}}"#,
            data: [UInt8](repeating: 0, count: 40))
        let e2 = expectSafeTensorsError(mentioning: ["overlap.safetensors", "'b'", "'a'"]) {
            _ = try SafeTensorsFile(path: overlap)
        }
        #expect(e2 == .offsetsOverlap(file: overlap, tensor: "b", other: "a"))
        let size = rawSafeTensors(
            dir, "size.safetensors",
            header: #"{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#,
            data: [UInt8](repeating: 0, count: 20))
        let e3 = expectSafeTensorsError(mentioning: ["size.safetensors", "'a'", "24", "20"]) {
            _ = try SafeTensorsFile(path: size)
        }
        #expect(
            e3
                == .sizeMismatch(
                    file: size, tensor: "a", shape: [2, 3], dtype: "F32", expectedBytes: 24, foundBytes: 20))
        let gap = rawSafeTensors(
            dir, "gap.safetensors",
            header:
                #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
                + #""b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}"#,
            data: [UInt8](repeating: 0, count: 20))
        let e4 = expectSafeTensorsError(mentioning: ["gap.safetensors", "'b'"]) {
            _ = try SafeTensorsFile(path: gap)
        }
        #expect(e4 == .offsetsGap(file: gap, tensor: "b", expectedBegin: 8, found: 12))
        let reversed = rawSafeTensors(
            dir, "rev.safetensors",
            header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#,
            data: [UInt8](repeating: 0, count: 8))
        let e5 = expectSafeTensorsError(mentioning: ["rev.safetensors", "'a'"]) {
            _ = try SafeTensorsFile(path: reversed)
        }
        if case .offsetsOutOfRange? = e5 {} else { Issue.record("wrong case \(String(describing: e5))") }
    }

    @Test func unsupportedDType() {
        let dir = makeTemporaryDirectory("dtype")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = rawSafeTensors(
            dir, "fp8.safetensors", header: #"{"q":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}"#,
            data: [1, 2, 3, 4])
        let e = expectSafeTensorsError(mentioning: ["fp8.safetensors", "'q'", "F8_E4M3", "F32"]) {
            _ = try SafeTensorsFile(path: p)
        }
        #expect(e == .unsupportedDType(file: p, tensor: "q", dtype: "F8_E4M3"))
    }
}

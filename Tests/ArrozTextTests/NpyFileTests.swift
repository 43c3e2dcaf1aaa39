// NpyFileTests: .npy reading (both header versions, float32/float16, 1-D/2-D) and its clear errors.
import ArrozNN
import ArrozTensor
import ArrozText
import Foundation
import Testing

@Suite struct NpyFileTests {
    /// A .npy file's bytes with `header` (a dict literal) and raw `payload`, in format `version` 1 or 2.
    func npy(_ header: String, _ payload: [UInt8], version: UInt8 = 1) -> Data {
        let prefix = version == 1 ? 10 : 12
        var h = header
        h += String(repeating: " ", count: (64 - (prefix + h.utf8.count + 1) % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        let n = h.utf8.count
        bytes += version == 1 ? [UInt8(n & 0xFF), UInt8(n >> 8)] : [UInt8(n & 0xFF), UInt8(n >> 8), 0, 0]
        return Data(bytes + Array(h.utf8) + payload)
    }

    func write(_ data: Data, _ name: String) -> String {
        let path = TextFixtures.scratch() + "/" + name
        FileManager.default.createFile(atPath: path, contents: data)
        return path
    }

    func f32(_ v: [Float]) -> [UInt8] {
        v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    }

    @Test func roundTripsFloat32() throws {
        let t = Tensor([1, -2.5, 3e-3, 4, 5, 6], shape: [2, 3])
        let path = TextFixtures.scratch() + "/e.npy"
        try NpyFile.write(t, to: path)
        let back = try NpyFile.read(path)
        #expect(back.shape == [2, 3])
        #expect(back.scalars == t.scalars)
    }

    @Test func readsVersion2OneDimensionalAndFloat16() throws {
        let v2 = write(
            npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f32([1, 2, 3]), version: 2),
            "a.npy")
        #expect(try NpyFile.read(v2).shape == [1, 3])
        #expect(try NpyFile.read(v2).scalars == [1, 2, 3])
        let half: [UInt8] = [0x00, 0x3C, 0x00, 0xC0]  // 1.0, -2.0 as float16
        let h = write(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (1, 2), }", half), "h.npy")
        #expect(try NpyFile.read(h).scalars == [1, -2])
        let big = write(
            npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", [0x3F, 0x80, 0, 0]), "b.npy")
        #expect(try NpyFile.read(big).scalars == [1])
    }

    @Test func badFilesThrowClearErrors() throws {
        let wrongType = write(
            npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", Array(repeating: 0, count: 16)),
            "i.npy")
        #expect(throws: TextError.self) { try NpyFile.read(wrongType) }
        let fortran = write(
            npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f32([1, 2, 3, 4])), "f.npy")
        #expect(throws: TextError.self) { try NpyFile.read(fortran) }
        let truncated = write(
            npy("{'descr': '<f4', 'fortran_order': False, 'shape': (384,), }", f32([1, 2])), "t.npy")
        #expect(throws: TextError.self) { try NpyFile.read(truncated) }
        let rank3 = write(
            npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1), }", f32([1])), "r.npy")
        #expect(throws: TextError.self) { try NpyFile.read(rank3) }
        #expect(throws: TextError.self) { try NpyFile.read(write(Data("not numpy".utf8), "x.npy")) }
        #expect(throws: TextError.self) { try NpyFile.read(write(Data(), "empty.npy")) }
    }

    @Test func embeddingOfTheWrongWidthIsRejected() throws {
        let path = write(
            npy(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }",
                f32(Array(repeating: 1, count: 10))), "w.npy")
        #expect(throws: TextError.self) { try PromptSource.readEmbedding(path, dimension: 384) }
        #expect(try PromptSource.readEmbedding(path, dimension: 10).shape == [1, 10])
    }

    @Test func promptSourceResolvesFiles() throws {
        let path = TextFixtures.scratch() + "/v.npy"
        try NpyFile.write(Tensor([1, 2], shape: [2]), to: path)
        #expect(PromptSource(path) == .embeddingFile(path))
        #expect(PromptSource("file:" + path) == .embeddingFile(path))
        #expect(PromptSource("missing.npy") == .text("missing.npy"))
        #expect(PromptSource("a red apple") == .text("a red apple"))
    }

    @Test func promptFilesMustBeUTF8() throws {
        let good = write(Data("a red apple\n\nan ankle boot\r\n".utf8), "p.txt")
        #expect(try PromptSource.readPromptFile(good) == ["a red apple", "an ankle boot"])
        let bad = write(Data([0x61, 0x0A, 0xC3, 0x28, 0x0A]), "bad.txt")
        #expect(throws: TextError.invalidUTF8(path: bad)) { try PromptSource.readPromptFile(bad) }
    }

    @Test func safetensorsEmbeddingsStandInForPrompts() throws {
        let dir = TextFixtures.scratch()
        var one = SafeTensorsWriter()
        one.add("vector", Tensor([0.5, -1, 2], shape: [3]))
        try one.write(to: dir + "/one.safetensors")
        #expect(PromptSource(dir + "/one.safetensors") == .embeddingFile(dir + "/one.safetensors"))
        let rows = try PromptSource.readEmbedding(dir + "/one.safetensors", dimension: 3)
        #expect(rows.shape == [1, 3] && rows.scalars == [0.5, -1, 2])
        #expect(throws: TextError.self) {
            try PromptSource.readEmbedding(dir + "/one.safetensors", dimension: 384)
        }
        var two = SafeTensorsWriter()
        two.add("a", Tensor([1, 2], shape: [2]))
        two.add("b", Tensor([3, 4], shape: [2]))
        try two.write(to: dir + "/two.safetensors")
        #expect(throws: TextError.self) {
            try PromptSource.readEmbedding(dir + "/two.safetensors", dimension: 2)
        }
        FileManager.default.createFile(atPath: dir + "/bad.safetensors", contents: Data([1, 2, 3]))
        #expect(throws: TextError.self) {
            try PromptSource.readEmbedding(dir + "/bad.safetensors", dimension: 2)
        }
    }
}

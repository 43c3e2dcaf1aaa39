// MiniLMEncoderTests: the real all-MiniLM-L6-v2 against sentence-transformers — the reference values in
// encoders-and-data.md and a 32-prompt fixture (minilm_embeddings.npy), plus the embedding cache.
import ArrozTensor
import ArrozTestSupport
import ArrozText
import Foundation
import Testing

@Suite struct MiniLMEncoderTests {
    let encoder: MiniLMEncoder

    init() throws { encoder = try TextFixtures.minilm.get() }

    func cosine(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map(*).reduce(0, +)
            / (a.map { $0 * $0 }.reduce(0, +).squareRoot() * b.map { $0 * $0 }.reduce(0, +).squareRoot())
    }

    @Test func referenceValuesAndCosines() throws {
        let e = try encoder.encode([
            "a red apple", "an ankle boot", "a green apple", "a sneaker", "a cat sitting on a mat",
        ])
        let rows = (0..<5).map { Array(e.pooled.scalars[($0 * 384)..<(($0 + 1) * 384)]) }
        // encoders-and-data.md, sentence-transformers 6.2.0.
        expectClose(
            Array(rows[0].prefix(6)), [0.004040, 0.013597, -0.042827, 0.063015, -0.044489, 0.006735],
            rtol: 0, atol: 1e-4, "a red apple")
        expectClose(
            Array(rows[1].prefix(6)), [-0.137557, 0.072266, 0.011673, 0.022257, -0.020604, -0.006705],
            rtol: 0, atol: 1e-4, "an ankle boot")
        #expect(abs(cosine(rows[0], rows[2]) - 0.804) < 1e-3)
        #expect(abs(cosine(rows[3], rows[1]) - 0.499) < 1e-3)
        #expect(abs(cosine(rows[4], rows[3]) - 0.062) < 1e-3)
    }

    @Test func matchesSentenceTransformersOnThe32PromptFixture() throws {
        let prompts = try TextFixtures.json("minilm_prompts.json")["prompts"] as! [String]
        let expected = try NpyFile.read(TextFixtures.path("minilm_embeddings.npy"))
        #expect(expected.shape == [32, 384])
        let actual = try encoder.encode(prompts).pooled
        #expect(actual.shape == [32, 384])
        for i in 0..<32 {
            expectClose(
                Array(actual.scalars[(i * 384)..<((i + 1) * 384)]),
                Array(expected.scalars[(i * 384)..<((i + 1) * 384)]), rtol: 0, atol: 1e-4,
                "prompt \(i) \(prompts[i].prefix(30).debugDescription)")
        }
    }

    @Test func batchingDoesNotChangeAnEmbedding() throws {
        let alone = try encoder.encode(["a red apple"]).pooled.scalars
        let batched = try encoder.encode([
            "a cat sitting on a mat, long enough to pad the others", "a red apple",
        ])
        expectClose(Array(batched.pooled.scalars[384...]), alone, rtol: 0, atol: 1e-5, "batched vs alone")
    }

    /// The fixtures hold pooled vectors only, so the token states are checked for consistency with them: one
    /// row per token ([CLS] … [SEP]), and their mean, normalised, is the pooled vector.
    @Test func tokenStatesPoolToTheEncodedVector() throws {
        let prompt = "an ankle boot"
        let states = encoder.tokenStates(prompt)
        #expect(states.shape == [encoder.tokenizer.encode(prompt).count, 384])
        let T = states.shape[0]
        var mean = [Float](repeating: 0, count: 384)
        for t in 0..<T { for i in 0..<384 { mean[i] += states.scalars[t * 384 + i] / Float(T) } }
        let norm = mean.map { $0 * $0 }.reduce(0, +).squareRoot()
        expectClose(mean.map { $0 / norm }, try encoder.encode([prompt]).pooled.scalars, rtol: 0, atol: 1e-5,
                    "pooled token states")
    }

    @Test func cacheComputesEachPromptOnce() throws {
        let cached = CachedPromptEncoder(encoder)
        let first = try cached.encode(["a red apple", "a sneaker", "a red apple"])
        #expect(cached.computedCount == 2)
        let again = try cached.encode(["a sneaker", "a red apple"])
        #expect(cached.computedCount == 2)
        #expect(Array(again.pooled.scalars[384...]) == Array(first.pooled.scalars[..<384]))
        _ = try cached.encode(["a green apple"])
        #expect(cached.computedCount == 3)
    }

    @Test func emptyAndHugePromptsGiveUnitVectors() throws {
        let e = try encoder.encode(["", String(repeating: "é", count: 10_000)]).pooled
        for r in 0..<2 {
            let row = Array(e.scalars[(r * 384)..<((r + 1) * 384)])
            #expect(abs(row.map { $0 * $0 }.reduce(0, +) - 1) < 1e-4)
        }
    }

    @Test func missingEncoderNamesTheFetchCommand() {
        let dir = TextFixtures.scratch()
        #expect(
            throws: TextError.missingEncoder(
                name: "all-MiniLM-L6-v2 (model.safetensors)", directory: dir,
                fix: "make encoder")
        ) { try MiniLMEncoder(directory: dir) }
        do {
            _ = try MiniLMEncoder(directory: dir)
            Issue.record("a directory without weights loaded")
        } catch {
            #expect("\(error)".contains("`make encoder`"))
        }
    }

    @Test func corruptWeightsThrowInsteadOfCrashing() throws {
        let dir = TextFixtures.scratch()
        let src = MiniLMEncoder.defaultDirectory
        try FileManager.default.copyItem(atPath: src + "/vocab.txt", toPath: dir + "/vocab.txt")
        try FileManager.default.copyItem(atPath: src + "/config.json", toPath: dir + "/config.json")
        // A header that claims more data than the file has.
        var bytes: [UInt8] = []
        let header = #"{"embeddings.word_embeddings.weight":"#
            + #"{"dtype":"F32","shape":[30522,384],"data_offsets":[0,46881792]}}"#
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes += $0 }
        bytes += Array(header.utf8) + [0, 0, 0, 0]
        FileManager.default.createFile(atPath: dir + "/model.safetensors", contents: Data(bytes))
        #expect(throws: TextError.self) { try MiniLMEncoder(directory: dir) }
        // Random bytes.
        FileManager.default.createFile(
            atPath: dir + "/model.safetensors", contents: Data((0..<64).map { UInt8($0 * 37 % 256) }))
        #expect(throws: TextError.self) { try MiniLMEncoder(directory: dir) }
    }
}

// WordPieceTokenizerTests: BERT tokenization against the reference ids and the sentence-transformers fixture.
import ArrozText
import Foundation
import Testing

@Suite struct WordPieceTokenizerTests {
    let tokenizer: WordPieceTokenizer

    init() throws {
        tokenizer = try WordPieceTokenizer(
            vocabFile: MiniLMEncoder.defaultDirectory + "/vocab.txt", maxLength: 256)
    }

    @Test func referenceIds() {
        // encoders-and-data.md: sentence-transformers 6.2.0 ids.
        #expect(tokenizer.encode("a red apple") == [101, 1037, 2417, 6207, 102])
        #expect(tokenizer.encode("an ankle boot") == [101, 2019, 10792, 9573, 102])
    }

    @Test func matchesSentenceTransformersOnVariedPrompts() throws {
        let cases = try TextFixtures.tokenCases("minilm_prompts.json", key: "prompts")
        #expect(cases.count == 32)
        for (prompt, ids) in cases {
            #expect(tokenizer.encode(prompt) == ids, "prompt \(prompt.debugDescription.prefix(60))")
        }
    }

    @Test func normalizerStripsAccentsSplitsPunctuationAndCJK() {
        let n = BertNormalizer()
        #expect(n.normalize("Café\u{0000}Crème") == "cafecreme")
        #expect(n.preTokenize(n.normalize("Hi, 日本!")) == ["hi", ",", "日", "本", "!"])
        #expect(n.preTokenize("a\tb\u{3000}c") == ["a", "b", "c"])
    }

    @Test func emptyAndHugePromptsAreDefined() {
        #expect(tokenizer.encode("") == [101, 102])
        let huge = String(repeating: "apple pie ", count: 1000)  // 10,000 characters
        let ids = tokenizer.encode(huge)
        #expect(ids.count == 256)
        #expect(ids.first == 101 && ids.last == 102)
        // One word of more than 100 characters is [UNK].
        #expect(tokenizer.encode(String(repeating: "x", count: 10_000)) == [101, 100, 102])
    }

    @Test func invalidUTF8VocabularyThrowsNamingTheFile() throws {
        let path = TextFixtures.scratch() + "/vocab.txt"
        FileManager.default.createFile(atPath: path, contents: Data([0x5B, 0x43, 0xFF, 0xFE, 0x0A]))
        #expect(throws: TextError.invalidUTF8(path: path)) { try WordPieceTokenizer(vocabFile: path) }
    }
}

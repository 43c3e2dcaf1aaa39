// CLIPTokenizerTests: CLIP's BPE against the reference example and HF CLIPTokenizer's ids on a fixture.
import ArrozText
import Foundation
import Testing

@Suite struct CLIPTokenizerTests {
    let tokenizer: CLIPTokenizer

    init() throws { tokenizer = try CLIPTokenizer(bpeFile: TextFixtures.clipVocabulary) }

    @Test func vocabularyAndReferenceExample() {
        #expect(tokenizer.vocabularySize == 49408)
        #expect(tokenizer.startID == 49406 && tokenizer.endID == 49407)
        #expect(
            tokenizer.encode("An Ankle-Boot, 2 sneakers!") == [
                49406, 550, 14777, 268, 8087, 267, 273, 17397, 256, 49407,
            ])
        #expect(tokenizer.encode("a photo of a cat") == [49406, 320, 1125, 539, 320, 2368, 49407])
    }

    @Test func matchesHFCLIPTokenizerOnVariedStrings() throws {
        let cases = try TextFixtures.tokenCases("clip_tokenizer.json", key: "strings")
        #expect(cases.count >= 20)
        for (text, ids) in cases {
            #expect(tokenizer.encode(text) == ids, "string \(text.debugDescription.prefix(60))")
        }
    }

    @Test func paddingAndTruncationToContext() {
        let padded = tokenizer.encodePadded("a red apple")
        #expect(padded.count == 77)
        #expect(Array(padded.prefix(5)) == [49406, 320, 736, 3055, 49407])
        #expect(padded.dropFirst(5).allSatisfy { $0 == 49407 })
        let long = tokenizer.encode(String(repeating: "apple ", count: 2000))
        #expect(long.count == 77 && long.last == 49407)
        #expect(tokenizer.encode("") == [49406, 49407])
        // One 10,000-letter word: cut before BPE, so it ends quickly with a full context.
        let word = tokenizer.encode(String(repeating: "a", count: 10_000))
        #expect(word.count == 77 && word.first == 49406 && word.last == 49407)
    }

    @Test func missingOrCorruptVocabularyThrows() throws {
        let dir = TextFixtures.scratch()
        #expect(throws: TextError.self) { try CLIPTokenizer(bpeFile: dir + "/nope.txt") }
        FileManager.default.createFile(atPath: dir + "/short.txt", contents: Data("#version\na b\n".utf8))
        #expect(throws: TextError.self) { try CLIPTokenizer(bpeFile: dir + "/short.txt") }
    }
}

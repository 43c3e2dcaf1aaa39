// WordPieceTokenizer: BERT's tokenizer — normalise, split into words, greedy longest-match WordPiece, then
// [CLS] … [SEP] with truncation. Matches HF tokenizers' WordPiece model as all-MiniLM-L6-v2 configures it.
import Foundation

/// A BERT WordPiece tokenizer over a `vocab.txt` (one token per line; the line number is the id).
public struct WordPieceTokenizer: Sendable {
    /// Token (as UTF-8 bytes: Swift `String` equality is canonical, HF compares bytes) to id.
    let vocab: [[UInt8]: Int]
    public let normalizer: BertNormalizer
    /// Longest sequence produced, [CLS] and [SEP] included (sentence-transformers' max_seq_length).
    public var maxLength: Int
    public let clsID: Int, sepID: Int, unkID: Int, padID: Int
    /// Words longer than this many scalars become [UNK] (HF's max_input_chars_per_word).
    public var maxInputCharsPerWord = 100

    /// A tokenizer over `tokens` (index = id), which must hold [CLS], [SEP] and [UNK].
    public init(tokens: [String], maxLength: Int = 256, lowercase: Bool = true) throws {
        var vocab: [[UInt8]: Int] = [:]
        vocab.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() where vocab[Array(t.utf8)] == nil { vocab[Array(t.utf8)] = i }
        guard let cls = vocab[Array("[CLS]".utf8)], let sep = vocab[Array("[SEP]".utf8)],
            let unk = vocab[Array("[UNK]".utf8)]
        else {
            throw TextError.badPrompt(prompt: "", reason: "the vocabulary lacks [CLS], [SEP] or [UNK]")
        }
        precondition(
            maxLength >= 2, "WordPieceTokenizer: maxLength \(maxLength) leaves no room for [CLS] [SEP]")
        self.vocab = vocab
        self.normalizer = BertNormalizer(lowercase: lowercase)
        self.maxLength = maxLength
        (clsID, sepID, unkID, padID) = (cls, sep, unk, vocab[Array("[PAD]".utf8)] ?? 0)
    }

    /// The id of `token`, if the vocabulary has it.
    public func id(of token: String) -> Int? { vocab[Array(token.utf8)] }

    /// Loads `vocab.txt`; throws naming the file if it is missing, not UTF-8 or lacks the special tokens.
    public init(vocabFile path: String, maxLength: Int = 256, lowercase: Bool = true) throws {
        let lines = try readUTF8Lines(path)
        let tokens = lines
        guard tokens.contains("[CLS]"), tokens.contains("[SEP]"), tokens.contains("[UNK]") else {
            throw TextError.corruptWeights(
                path: path, reason: "no [CLS], [SEP] or [UNK] line: not a BERT vocab.txt")
        }
        try self.init(tokens: tokens, maxLength: maxLength, lowercase: lowercase)
    }

    /// Token ids of `text`: [CLS], the first `maxLength - 2` word pieces, [SEP].
    public func encode(_ text: String) -> [Int] {
        var ids = [clsID]
        let words = normalizer.preTokenize(normalizer.normalize(text))
        let budget = maxLength - 2
        for word in words {
            ids.append(contentsOf: wordPieces(word))
            if ids.count - 1 >= budget { break }
        }
        if ids.count - 1 > budget { ids.removeLast(ids.count - 1 - budget) }
        ids.append(sepID)
        return ids
    }

    /// Greedy longest-match-first pieces of one word ("##" marks a continuation); [UNK] if any part fails.
    func wordPieces(_ word: String) -> [Int] {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > maxInputCharsPerWord { return [unkID] }
        // Byte offset of each scalar boundary, so a piece is a slice of the word's UTF-8.
        let bytes = Array(word.utf8)
        var offsets = [0]
        for s in scalars { offsets.append(offsets.last! + UTF8.width(s)) }
        var pieces: [Int] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: Int?
            while start < end {
                var key: [UInt8] = start > 0 ? [0x23, 0x23] : []  // "##"
                key.append(contentsOf: bytes[offsets[start]..<offsets[end]])
                if let id = vocab[key] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else { return [unkID] }
            pieces.append(id)
            start = end
        }
        return pieces
    }
}

// CLIPTokenizer: CLIP's byte-level BPE (49,408 tokens, <|startoftext|> … <|endoftext|>, context 77).
// Matches HF `CLIPTokenizer` (transformers 5, tokenizers backend, so no ftfy): NFC, whitespace runs → " ",
// lowercase, split by CLIP's regex, byte-level, BPE with "</w>" on each word's last symbol.
import Foundation

/// CLIP's tokenizer over open_clip's `bpe_simple_vocab_16e6.txt` or an HF `vocab.json` + `merges.txt`.
public final class CLIPTokenizer: @unchecked Sendable {
    /// Token (UTF-8 bytes of its byte-level spelling) to id.
    let vocab: [[UInt8]: Int]
    /// Merge rank of a pair, keyed by `a + " " + b` (byte-level symbols never contain a space).
    let ranks: [[UInt8]: Int]
    public let startID: Int, endID: Int
    /// Sequence length the model sees, start and end tokens included.
    public let contextLength: Int
    /// Byte → its printable stand-in (GPT-2's bytes_to_unicode), as UTF-8.
    let symbolOfByte: [[UInt8]]
    private var cache: [[UInt8]: [Int]] = [:]
    private let lock = NSLock()

    public var vocabularySize: Int { vocab.count }

    /// Reads open_clip's `bpe_simple_vocab_16e6.txt` (gunzipped): the vocabulary is the 256 byte symbols, the
    /// same with "</w>", the first 48,894 merges joined, then the two special tokens — 49,408 in all.
    public convenience init(bpeFile path: String, contextLength: Int = 77) throws {
        let lines = try readUTF8Lines(path)
        let mergeCount = 49152 - 256 - 2
        guard lines.count > mergeCount else {
            throw TextError.corruptWeights(
                path: path, reason: "only \(lines.count) lines; expected ≥ \(mergeCount + 1)")
        }
        let merges = try lines[1...mergeCount].map { line -> (String, String) in
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw TextError.corruptWeights(
                    path: path, reason: "merge line \"\(line)\" is not two symbols")
            }
            return (String(parts[0]), String(parts[1]))
        }
        var tokens = Self.byteToUnicode().map { String($0) }
        tokens += tokens.map { $0 + "</w>" }
        tokens += merges.map { $0.0 + $0.1 }
        tokens += ["<|startoftext|>", "<|endoftext|>"]
        var vocab: [[UInt8]: Int] = [:]
        for (i, t) in tokens.enumerated() { vocab[Array(t.utf8)] = i }
        try self.init(vocab: vocab, merges: merges, contextLength: contextLength, source: path)
    }

    /// Reads an HF tokenizer directory's `vocab.json` (token → id) and `merges.txt` ("#version" line, then
    /// one "a b" merge per line).
    public convenience init(vocabJSON: String, mergesFile: String, contextLength: Int = 77) throws {
        guard let data = FileManager.default.contents(atPath: vocabJSON) else {
            throw TextError.unreadable(path: vocabJSON, reason: "no such file or not readable")
        }
        guard let table = try? JSONDecoder().decode([String: Int].self, from: data) else {
            throw TextError.corruptWeights(path: vocabJSON, reason: "not a JSON object of token → id")
        }
        var vocab: [[UInt8]: Int] = [:]
        for (t, i) in table { vocab[Array(t.utf8)] = i }
        let merges = try readUTF8Lines(mergesFile).filter { !$0.hasPrefix("#version") && !$0.isEmpty }.map {
            line -> (String, String) in
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw TextError.corruptWeights(
                    path: mergesFile, reason: "merge line \"\(line)\" is not two symbols")
            }
            return (String(parts[0]), String(parts[1]))
        }
        try self.init(vocab: vocab, merges: merges, contextLength: contextLength, source: vocabJSON)
    }

    init(vocab: [[UInt8]: Int], merges: [(String, String)], contextLength: Int, source: String) throws {
        guard let start = vocab[Array("<|startoftext|>".utf8)], let end = vocab[Array("<|endoftext|>".utf8)]
        else {
            throw TextError.corruptWeights(path: source, reason: "no <|startoftext|> / <|endoftext|> tokens")
        }
        precondition(contextLength >= 2, "CLIPTokenizer: context length \(contextLength) < 2")
        var ranks: [[UInt8]: Int] = [:]
        ranks.reserveCapacity(merges.count)
        for (i, (a, b)) in merges.enumerated() { ranks[Array((a + " " + b).utf8)] = i }
        self.vocab = vocab
        self.ranks = ranks
        self.startID = start
        self.endID = end
        self.contextLength = contextLength
        var symbolOfByte = [[UInt8]](repeating: [], count: 256)
        for (k, scalar) in Self.byteToUnicode().enumerated() {
            symbolOfByte[Self.byteOrder[k]] = Array(String(scalar).utf8)
        }
        self.symbolOfByte = symbolOfByte
    }

    /// Ids of `text`: start, the first `contextLength - 2` BPE tokens, end (not padded).
    public func encode(_ text: String) -> [Int] {
        var ids = [startID]
        for (segment, special) in Self.splitSpecials(text) {
            if let special { ids.append(special == "<|startoftext|>" ? startID : endID); continue }
            for word in Self.preTokenize(Self.normalize(segment)) {
                ids += bpeIDs(word)
                if ids.count >= contextLength { break }
            }
        }
        if ids.count > contextLength - 1 { ids.removeLast(ids.count - (contextLength - 1)) }
        ids.append(endID)
        return ids
    }

    /// `encode` padded with the end token to `contextLength`, as HF's `padding="max_length"` gives.
    public func encodePadded(_ text: String) -> [Int] {
        let ids = encode(text)
        return ids + Array(repeating: endID, count: contextLength - ids.count)
    }

    // MARK: - Normalisation and splitting

    /// NFC, each run of White_Space → " ", each scalar lowercased.
    static func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var inSpace = false
        for s in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if s.properties.isWhitespace {
                if !inSpace { out.append(" ") }
                inSpace = true
            } else {
                inSpace = false
                out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    /// The raw text cut around literal special tokens, which HF matches before normalising.
    static func splitSpecials(_ text: String) -> [(String, String?)] {
        var parts: [(String, String?)] = []
        var rest = Substring(text)
        while true {
            let found = ["<|startoftext|>", "<|endoftext|>"].compactMap { rest.range(of: $0) }
            guard let first = found.min(by: { $0.lowerBound < $1.lowerBound }) else { break }
            parts.append((String(rest[..<first.lowerBound]), nil))
            parts.append(("", String(rest[first])))
            rest = rest[first.upperBound...]
        }
        parts.append((String(rest), nil))
        return parts
    }

    /// Pieces matched by `'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`.
    static func preTokenize(_ text: String) -> [[Unicode.Scalar]] {
        let s = Array(text.unicodeScalars)
        var pieces: [[Unicode.Scalar]] = []
        var i = 0
        while i < s.count {
            if s[i].properties.isWhitespace { i += 1; continue }
            if s[i] == "'", i + 1 < s.count {
                let n1 = s[i + 1], n2: Unicode.Scalar? = i + 2 < s.count ? s[i + 2] : nil
                if "stmd".unicodeScalars.contains(n1) { pieces.append([s[i], n1]); i += 2; continue }
                if let n2, (n1 == "r" && n2 == "e") || (n1 == "v" && n2 == "e") || (n1 == "l" && n2 == "l") {
                    pieces.append([s[i], n1, n2]); i += 3; continue
                }
            }
            var j = i + 1
            if isLetter(s[i]) {
                while j < s.count && isLetter(s[j]) { j += 1 }
            } else if !isNumber(s[i]) {
                while j < s.count && !s[j].properties.isWhitespace && !isLetter(s[j]) && !isNumber(s[j]) {
                    j += 1
                }
            }
            pieces.append(Array(s[i..<j]))
            i = j
        }
        return pieces
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    // MARK: - Byte-level BPE

    /// GPT-2's bytes_to_unicode, in its dictionary order: printable bytes map to themselves, the rest to
    /// U+0100….
    static func byteToUnicode() -> [Unicode.Scalar] {
        var bs = Array(33...126) + Array(161...172) + Array(174...255)
        var cs = bs
        var n = 0
        for b in 0..<256 where !bs.contains(b) {
            bs.append(b)
            cs.append(256 + n)
            n += 1
        }
        return cs.map { Unicode.Scalar(UInt32($0))! }
    }

    /// The byte order of `byteToUnicode()`: entry k is the byte whose symbol is `byteToUnicode()[k]`.
    static let byteOrder: [Int] = {
        var bs = Array(33...126) + Array(161...172) + Array(174...255)
        for b in 0..<256 where !bs.contains(b) { bs.append(b) }
        return bs
    }()

    /// Longest piece BPE sees, in bytes: merging is quadratic in the piece, so a longer run of letters or
    /// symbols (never real text) is encoded in chunks of this size; its ids then differ from HF's.
    static let maxPieceBytes = 300

    /// BPE ids of one pre-token, in `maxPieceBytes` chunks.
    func bpeIDs(_ piece: [Unicode.Scalar]) -> [Int] {
        var ids: [Int] = []
        var chunk: [UInt8] = []
        for s in piece {
            if chunk.count + UTF8.width(s) > Self.maxPieceBytes {
                ids += bpeIDs(bytes: chunk)
                chunk = []
                if ids.count >= contextLength { return ids }
            }
            chunk += Array(String(s).utf8)
        }
        return ids + bpeIDs(bytes: chunk)
    }

    /// BPE ids of one pre-token's UTF-8 bytes, cached.
    func bpeIDs(bytes key: [UInt8]) -> [Int] {
        lock.lock()
        if let hit = cache[key] { lock.unlock(); return hit }
        lock.unlock()
        var word = key.map { symbolOfByte[Int($0)] }
        word[word.count - 1] += Array("</w>".utf8)
        while word.count > 1 {
            var best: (rank: Int, pair: ([UInt8], [UInt8]))?
            for i in 0..<(word.count - 1) {
                if let r = ranks[word[i] + [0x20] + word[i + 1]], r < (best?.rank ?? Int.max) {
                    best = (r, (word[i], word[i + 1]))
                }
            }
            guard let (_, (a, b)) = best else { break }
            var merged: [[UInt8]] = []
            var i = 0
            while i < word.count {
                if i + 1 < word.count && word[i] == a && word[i + 1] == b {
                    merged.append(a + b)
                    i += 2
                } else {
                    merged.append(word[i])
                    i += 1
                }
            }
            word = merged
        }
        let ids = word.map { vocab[$0] ?? endID }
        lock.lock()
        if cache.count < 100_000 { cache[key] = ids }
        lock.unlock()
        return ids
    }
}

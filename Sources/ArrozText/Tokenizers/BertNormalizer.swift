// BertNormalizer: the clean-up and word splitting in front of WordPiece — HF tokenizers' `BertNormalizer`
// (clean_text, handle_chinese_chars, strip_accents = lowercase, lowercase) and `BertPreTokenizer`.
import Foundation

/// Normalises and splits text exactly as all-MiniLM-L6-v2's `tokenizer.json` says
/// (HF tokenizers `normalizers/bert.rs` and `pre_tokenizers/bert.rs`).
public struct BertNormalizer: Sendable {
    public var lowercase = true

    public init(lowercase: Bool = true) { self.lowercase = lowercase }

    /// The normalised text: control characters dropped, whitespace made ' ', CJK ideographs padded with
    /// spaces, then (when lowercasing) NFD with non-spacing marks removed and every scalar lowercased.
    public func normalize(_ text: String) -> String {
        var cleaned = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || Self.isControl(s) { continue }
            if Self.isWhitespace(s) {
                cleaned.append(" ")
            } else if Self.isChinese(s) {
                cleaned.append(" ")
                cleaned.append(s)
                cleaned.append(" ")
            } else {
                cleaned.append(s)
            }
        }
        guard lowercase else { return String(cleaned) }
        // strip_accents defaults to `lowercase`: NFD, then drop Mn.
        let decomposed = String(cleaned).decomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        for s in decomposed.unicodeScalars where s.properties.generalCategory != .nonspacingMark {
            out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
        }
        return String(out)
    }

    /// Words of the normalised text: split on whitespace, each punctuation scalar its own word.
    public func preTokenize(_ normalized: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { words.append(String(current)) }
            current = String.UnicodeScalarView()
        }
        for s in normalized.unicodeScalars {
            if s.properties.isWhitespace {
                flush()
            } else if Self.isPunctuation(s) {
                flush()
                words.append(String(s))
            } else {
                current.append(s)
            }
        }
        flush()
        return words
    }

    // MARK: - Character classes (as the Rust tokenizers crate defines them)

    /// '\t', '\n', '\r' count as whitespace; otherwise Unicode White_Space.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    /// Any "Other" category (Cc, Cf, Cs, Co, Cn) except '\t', '\n', '\r'.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes $ + < = > ^ ` | ~) or any Unicode P* category.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v)
        {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The CJK Unified Ideograph blocks BERT pads with spaces.
    static func isChinese(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default: return false
        }
    }
}

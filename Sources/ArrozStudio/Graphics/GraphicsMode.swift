// GraphicsMode: the ways the studio can put an image on the terminal, and which of them draw real pixels.

/// How images are shown.
public enum GraphicsMode: String, Sendable, CaseIterable {
    /// The kitty graphics protocol (kitty, Ghostty, Konsole): images under ids, replaced in place.
    case kitty
    /// iTerm2 inline images, OSC 1337 (iTerm2, WezTerm, Konsole, VS Code).
    case iterm
    /// DEC sixel pixels written after the text frame.
    case sixel
    /// Unicode upper-half blocks (two pixels per cell) in true or 256 colours.
    case halfblock
    /// No images: a one-line description instead.
    case none

    /// Pixels written outside the text grid (placements the Screen encodes), not cells.
    public var isPixels: Bool { self == .kitty || self == .iterm || self == .sixel }
}

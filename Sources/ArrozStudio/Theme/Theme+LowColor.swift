// Theme+LowColor: a theme adapted to 8/16-colour terminals — a foreground that would land on the background's own
// ANSI colour (arroz-dark's dim borders become black on black in `xterm -ti vt340`) takes the contrasting one.
import ArrozImage

extension Theme {
    /// Keys painted as backgrounds (left alone).
    static let backgroundKeys: Set<ThemeKey> = [.mainBg, .selectedBg, .editBg, .keybarBg]

    /// The theme as `mode` shows it: unchanged above 8 colours; in 8 colours every foreground whose nearest ANSI
    /// colour is the background's (an empty `main_bg` counts as a dark terminal) becomes white on a dark
    /// background and black on a light one, so unfocused borders and dim text stay visible.
    public func adapted(to mode: ColorMode) -> Theme {
        guard mode == .palette8 else { return self }
        let bgIndex = self[.mainBg].map { ColorMapping.ansi8($0) } ?? 0
        let darkBackground = bgIndex != 7 && bgIndex != 3 && bgIndex != 6 && bgIndex != 2
        var out = self
        for key in ThemeKey.allCases where !Self.backgroundKeys.contains(key) {
            guard let c = self[key], ColorMapping.ansi8(c) == bgIndex else { continue }
            out.colors[key] = darkBackground ? RGB(229, 229, 229) : RGB(0, 0, 0)
        }
        return out
    }
}

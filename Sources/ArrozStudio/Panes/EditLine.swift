// EditLine: a one-line text buffer being edited in place — the part around the cursor, the cursor reversed.

public enum EditLine {
    public static func render(
        _ e: EditBuffer, x: Int, y: Int, width: Int, into canvas: inout Canvas, _ ctx: PaneContext
    ) {
        let style = Style(fg: ctx.theme[.editFg], bg: ctx.theme[.editBg])
        canvas.fill(Rect(x: x, y: y, width: width, height: 1), Cell(" ", style))
        // Columns, not characters: a wide character (CJK, emoji) takes two.
        var start = max(0, e.cursor - width + 1)
        while start > 0 && TextLayout.width(String(e.text[(start - 1)..<e.cursor])) <= width - 1 { start -= 1 }
        while start < e.cursor && TextLayout.width(String(e.text[start..<e.cursor])) > width - 1 { start += 1 }
        let visible = String(e.text[start..<min(e.text.count, start + width)])
        canvas.text(visible, x: x, y: y, style, maxWidth: width)
        let cx = x + TextLayout.width(String(e.text[start..<e.cursor]))
        let under = cx < x + TextLayout.width(visible) ? canvas[cx, y].glyph : " "
        canvas.put(under, x: cx, y: y, style.adding(.reverse))
    }
}

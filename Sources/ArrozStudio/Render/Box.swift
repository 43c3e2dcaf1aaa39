// Box: a bordered box with a title and an optional subtitle in the top border (btop's createBox).

/// Draws boxes.
public enum Box {
    /// Draws the border of `rect`: `┌ Title ── subtitle ───┐`. Returns the inner rectangle.
    @discardableResult
    public static func draw(
        _ canvas: inout Canvas, _ rect: Rect, title: String, subtitle: String = "",
        border: Style, titleStyle: Style, subtitleStyle: Style
    ) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else {
            return Rect(x: rect.x, y: rect.y, width: 0, height: 0)
        }
        let (x0, y0, x1, y1) = (rect.x, rect.y, rect.maxX - 1, rect.maxY - 1)
        for x in (x0 + 1)..<x1 {
            canvas.put("─", x: x, y: y0, border)
            canvas.put("─", x: x, y: y1, border)
        }
        for y in (y0 + 1)..<y1 {
            canvas.put("│", x: x0, y: y, border)
            canvas.put("│", x: x1, y: y, border)
        }
        canvas.put("┌", x: x0, y: y0, border)
        canvas.put("┐", x: x1, y: y0, border)
        canvas.put("└", x: x0, y: y1, border)
        canvas.put("┘", x: x1, y: y1, border)
        // Title: "┌ Title ──" then " subtitle " when there is room.
        var x = x0 + 1
        let room = rect.width - 3
        if room > 2 {
            let t = TextLayout.truncate(title, room - 2)
            x += canvas.text(" ", x: x, y: y0, border)
            x += canvas.text(t, x: x, y: y0, titleStyle)
            x += canvas.text(" ", x: x, y: y0, border)
            let left = x1 - x - 3
            if !subtitle.isEmpty, left > 4 {
                x += 2
                x += canvas.text(" ", x: x, y: y0, border)
                x += canvas.text(TextLayout.truncate(subtitle, left - 2), x: x, y: y0, subtitleStyle)
                canvas.text(" ", x: x, y: y0, border)
            }
        }
        return rect.inset(1)
    }
}

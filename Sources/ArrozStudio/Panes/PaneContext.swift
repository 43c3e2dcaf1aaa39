// PaneContext: what every pane's render function gets besides the state — theme, focus, graphics mode.

/// Drawing context shared by the panes.
public struct PaneContext {
    public var theme: Theme
    public var focus: PaneID
    public var graphics: GraphicsMode
    /// Cell size in pixels (sixel sizing); 0 when unknown.
    public var cellWidth: Int
    public var cellHeight: Int
    /// Enlarge images smoothly to fill their box instead of by whole nearest-neighbour factors.
    public var smooth: Bool
    /// Scaled copies of recent images (nil: resample every frame).
    public var resizeCache: ResizeCache?

    public init(
        theme: Theme, focus: PaneID, graphics: GraphicsMode, cellWidth: Int = 0, cellHeight: Int = 0,
        smooth: Bool = false, resizeCache: ResizeCache? = nil
    ) {
        self.theme = theme
        self.focus = focus
        self.graphics = graphics
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.smooth = smooth
        self.resizeCache = resizeCache
    }

    /// Draws the pane's box: active border when focused, the pane's accent colour on the title.
    public func box(
        _ canvas: inout Canvas, _ rect: Rect, _ pane: PaneID, accent: ThemeKey, subtitle: String = ""
    )
        -> Rect
    {
        let focused = focus == pane
        canvas.hotspot(rect, [.focus(pane, field: nil)])
        let border = focused ? theme.style(.activeBox, .bold) : theme.style(.divLine)
        return Box.draw(
            &canvas, rect, title: pane.title, subtitle: subtitle, border: border,
            titleStyle: theme.style(accent, focused ? [.bold, .underline] : [.bold]),
            subtitleStyle: theme.style(.graphText))
    }

    /// Label style for field `index` of `pane` (selected when the pane has focus and the field is current).
    public func label(_ state: AppState, _ pane: PaneID, _ index: Int) -> Style {
        focus == pane && state.field(pane) == index ? theme.selected : theme.inactive
    }
}

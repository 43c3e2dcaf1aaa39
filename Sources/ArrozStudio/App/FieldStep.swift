// FieldStep: how ←/→ move a number field — by whole steps on a fixed grid, clamped to the field's range —
// shared by the Prompts pane's mix, the Sampler pane's CFG, η and strength and the edit keys `[` `]`.

extension Float {
    /// `self` moved by `d` steps of `1 / perUnit`, snapped to that grid and clamped to `range`
    /// (mix: 20 per unit in 0…1; CFG: 2 per unit; η: 10; strength: 20 in 0.05…1).
    // v' = clamp(round((v + d / perUnit) · perUnit) / perUnit, range)
    func stepped(by d: Int, perUnit: Float, in range: ClosedRange<Float>) -> Float {
        Swift.min(Swift.max(((self + Float(d) / perUnit) * perUnit).rounded() / perUnit, range.lowerBound),
                  range.upperBound)
    }
}

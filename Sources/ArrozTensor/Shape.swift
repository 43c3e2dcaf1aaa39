// Shape helpers: element counts, row-major strides, broadcasting rules and shape text for messages.

public enum Shape {
    /// Number of elements of a shape (1 for a scalar `[]`).
    @inlinable public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major (C-order) strides in elements.
    public static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// NumPy/PyTorch broadcasting: align trailing axes; each pair must be equal or one of them 1.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String = "broadcast") -> [Int] {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            precondition(
                da == db || da == 1 || db == 1,
                "\(op): shapes \(a) and \(b) do not broadcast (axis \(i): \(da) vs \(db))")
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Strides of `shape` viewed inside the broadcast shape `to`: 0 on broadcast axes.
    public static func broadcastStrides(_ shape: [Int], to: [Int]) -> [Int] {
        let own = strides(shape)
        let lead = to.count - shape.count
        var s = [Int](repeating: 0, count: to.count)
        for i in 0..<shape.count where shape[i] != 1 { s[lead + i] = own[i] }
        return s
    }

    /// Normalises a possibly negative axis against a rank.
    public static func axis(_ axis: Int, rank: Int, op: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "\(op): axis \(axis) out of range for rank \(rank)")
        return a
    }
}

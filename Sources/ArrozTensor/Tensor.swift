// Tensor: a Float32, contiguous, row-major (NCHW) array that records how it was made for reverse-mode autograd.
import Foundation

/// A contiguous Float32 tensor with an optional gradient and the backward node that made it.
///
/// Design (ARCHITECTURE §4): eager, CPU, always contiguous; movement ops copy. Each differentiable op records its
/// inputs and a backward closure that reads the output gradient and accumulates (`+=`) into the inputs' `grad`.
public final class Tensor: @unchecked Sendable {
    /// The shape, outermost axis first.
    public private(set) var shape: [Int]
    /// The data, `Shape.count(shape)` floats.
    public private(set) var storage: Storage
    /// Accumulated gradient, same shape; created on first accumulation.
    public var grad: Tensor?
    /// Whether gradients flow into this tensor (leaves: parameters; non-leaves: set by ops).
    public var requiresGrad: Bool
    /// The op that produced this tensor (nil for leaves and for results made without grad).
    var node: Node?

    // MARK: - Initialisers

    /// Wraps `storage` with `shape` (no copy).
    public init(storage: Storage, shape: [Int], requiresGrad: Bool = false) {
        precondition(
            Shape.count(shape) == storage.count,
            "Tensor: shape \(shape) needs \(Shape.count(shape)) elements, storage has \(storage.count)")
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A tensor holding a copy of `values` with `shape`.
    public convenience init(_ values: [Float], shape: [Int], requiresGrad: Bool = false) {
        self.init(storage: Storage(values), shape: shape, requiresGrad: requiresGrad)
    }

    /// A 1-D tensor holding a copy of `values`.
    public convenience init(_ values: [Float], requiresGrad: Bool = false) {
        self.init(storage: Storage(values), shape: [values.count], requiresGrad: requiresGrad)
    }

    /// A scalar (shape `[]`).
    public convenience init(scalar: Float, requiresGrad: Bool = false) {
        self.init(storage: Storage([scalar]), shape: [], requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with `value`.
    public convenience init(shape: [Int], repeating value: Float, requiresGrad: Bool = false) {
        self.init(storage: Storage(count: Shape.count(shape), repeating: value), shape: shape,
                  requiresGrad: requiresGrad)
    }

    // MARK: - Properties

    public var count: Int { storage.count }
    public var rank: Int { shape.count }
    public var strides: [Int] { Shape.strides(shape) }
    public var isLeaf: Bool { node == nil }

    /// `(N, C, H, W)` of a rank-4 tensor.
    public var shape4: (Int, Int, Int, Int) {
        precondition(shape.count == 4, "shape4: expected rank 4, got \(shape)")
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// `(B, L, D)` of a rank-3 tensor.
    public var shape3: (Int, Int, Int) {
        precondition(shape.count == 3, "shape3: expected rank 3, got \(shape)")
        return (shape[0], shape[1], shape[2])
    }

    /// The values as an array (copy).
    public var scalars: [Float] { Array(storage.buffer) }

    /// The value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item: tensor has \(count) elements (shape \(shape))")
        return storage.pointer[0]
    }

    /// Element at a multi-index (for tests and small lookups, not for hot loops).
    public subscript(_ index: Int...) -> Float {
        get { storage.pointer[offset(index)] }
        set { storage.pointer[offset(index)] = newValue }
    }

    private func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "subscript: index \(index) for shape \(shape)")
        var o = 0
        for (i, s) in zip(index, strides) { o += i * s }
        return o
    }

    // MARK: - Raw access

    /// Read-only buffer of the data.
    @inlinable public var data: UnsafeBufferPointer<Float> { UnsafeBufferPointer(storage.buffer) }
    /// Mutable buffer of the data. Writing to a tensor that is part of a recorded graph invalidates it.
    @inlinable public var mutableData: UnsafeMutableBufferPointer<Float> { storage.buffer }

    /// Replaces the values in place (same element count), e.g. for optimizer updates and checkpoint loads.
    public func assign(_ values: UnsafeBufferPointer<Float>) {
        precondition(values.count == count, "assign: \(values.count) values into shape \(shape)")
        if let base = values.baseAddress { storage.pointer.update(from: base, count: count) }
    }

    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: shape \(other.shape) into \(shape)")
        assign(other.data)
    }

    public func assign(_ values: [Float]) { values.withUnsafeBufferPointer { assign($0) } }

    /// A new leaf tensor with the same values and no history.
    public func detached() -> Tensor { Tensor(storage: storage.copy(), shape: shape) }

    /// A leaf view sharing this tensor's storage (no copy, no history). Callers must not write through it.
    public func detachedShared() -> Tensor { Tensor(storage: storage, shape: shape) }

    /// Replaces the shape without touching data (used by in-place layer loads).
    func _setShape(_ newShape: [Int]) {
        precondition(Shape.count(newShape) == count, "reshape in place: \(shape) to \(newShape)")
        shape = newShape
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let v = data
        var mn = Float.infinity, mx = -Float.infinity, sum: Double = 0
        for x in v {
            mn = Swift.min(mn, x)
            mx = Swift.max(mx, x)
            sum += Double(x)
        }
        let head = v.prefix(6).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        let mean = v.isEmpty ? 0 : sum / Double(v.count)
        return "Tensor\(shape) min \(mn) mean \(String(format: "%.4g", mean)) max \(mx) [\(head)\(v.count > 6 ? ", …" : "")]"
    }
}

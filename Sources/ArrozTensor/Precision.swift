// Precision: the compute precision of convolutions, matrix products and attention products.
import Foundation

/// The arithmetic the engine's products run in. Tensors stay fp32 either way (storage, master weights,
/// optimizer state); `.bf16` rounds the *inputs* of a convolution, matmul or attention product to bfloat16
/// and accumulates in fp32 (oneDNN on CPUs with AVX512-BF16 or AMX). Norms, softmax, losses, pointwise ops and
/// the sampler's arithmetic always stay fp32.
///
/// Where bf16 cannot run (no oneDNN, or no bf16 arithmetic on this CPU) products quietly stay fp32:
/// `Precision.effective` says what actually runs.
public enum Precision: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case fp32
    case bf16

    public var description: String { rawValue }

    nonisolated(unsafe) private static var _default: Precision = .fp32

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    /// The process-wide precision (fp32 unless set). Set it at start-up, not while ops run.
    public static var `default`: Precision {
        get { _default }
        set { _default = newValue }
    }

    /// The precision ops on this thread use: the innermost `withPrecision` scope, else `default`.
    public static var current: Precision {
        switch Int(bitPattern: pthread_getspecific(key)) {
        case 1: return .fp32
        case 2: return .bf16
        default: return _default
        }
    }

    /// What `current` resolves to on this machine: `.bf16` only when bf16 products can actually run.
    public static var effective: Precision {
        current == .bf16 && bf16Available ? .bf16 : .fp32
    }

    /// Whether bf16 products can run here (oneDNN loaded and the CPU has bf16 arithmetic).
    public static var bf16Available: Bool { OneDNN.hasBF16 }

    /// Runs `body` with `precision` for every product on this thread (ops started inside, and the backward
    /// passes run inside), restoring the previous setting after.
    fileprivate static func scoped<R>(_ p: Precision, _ body: () throws -> R) rethrows -> R {
        let was = pthread_getspecific(key)
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: p == .fp32 ? 1 : 2))
        defer { pthread_setspecific(key, was) }
        return try body()
    }
}

/// Runs `body` with convolutions, matmuls and attention products in `precision` on this thread.
///
///     let loss = withPrecision(.bf16) { model.loss(batch) }   // forward in bf16 products …
///     withPrecision(.bf16) { loss.backward() }                // … and the backward too
///
/// Norms, softmax and losses stay fp32; parameters and gradients are fp32 tensors throughout.
public func withPrecision<R>(_ precision: Precision, _ body: () throws -> R) rethrows -> R {
    try Precision.scoped(precision, body)
}

// SIMDAccess: unaligned SIMD loads and stores on Float pointers, and lane interleaving, for hand-vectorised
// kernels (the Winograd tile transforms) whose loops LLVM does not vectorise on its own.

@inline(__always) func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
}

@inline(__always) func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always) func store<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<Float>) where V.Scalar == Float {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
}

/// (e0, o0, e1, o1, …, e7, o7).
@inline(__always) func interleave(_ e: SIMD8<Float>, _ o: SIMD8<Float>) -> SIMD16<Float> {
    SIMD16(e[0], o[0], e[1], o[1], e[2], o[2], e[3], o[3], e[4], o[4], e[5], o[5], e[6], o[6], e[7], o[7])
}

// SafeTensorsDType: the element types we read (converting to Float32) and the bit-level conversions.

/// Element types of safetensors data that arroz-studio reads. All convert to Float32 on load; F32 and I64
/// are also written.
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL

    public var byteSize: Int {
        switch self {
        case .F64, .I64: 8
        case .F32, .I32: 4
        case .F16, .BF16, .I16: 2
        case .I8, .U8, .BOOL: 1
        }
    }

    /// Converts `count` little-endian elements at `src` (any alignment) to Float32.
    func convert(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
        switch self {
        case .F32:
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
        case .F64:
            for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
        case .F16:
            for i in 0..<count {
                dst[i] = halfToFloat(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            }
        case .BF16:
            for i in 0..<count {
                dst[i] = Float(
                    bitPattern: UInt32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            }
        case .I64:
            for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)) }
        case .I32:
            for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
        case .I16:
            for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)) }
        case .I8:
            for i in 0..<count { dst[i] = Float(src.load(fromByteOffset: i, as: Int8.self)) }
        case .U8, .BOOL:
            for i in 0..<count { dst[i] = Float(src.load(fromByteOffset: i, as: UInt8.self)) }
        }
    }
}

#if _endian(big)
    #error("safetensors data is little-endian; arroz-studio assumes a little-endian host")
#endif

/// IEEE 754 binary16 → binary32, exact for every value (normals, subnormals, ±0, ±inf, NaN payloads).
@inline(__always) func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x3FF)
    if exponent == 0 {
        // zero or subnormal: mantissa · 2⁻²⁴
        let magnitude = Float(mantissa) * 0x1p-24
        return sign != 0 ? -magnitude : magnitude
    }
    if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
}

// WeightFile: the tensors of a `.safetensors` file as Float (F32, F16, BF16 converted; I64 read as Float too),
// validated so that a truncated or corrupt file throws instead of crashing. Format: an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw data (huggingface/safetensors).
import ArrozTensor
import Foundation

/// A loaded `.safetensors` file: tensor name → `Tensor`.
public struct WeightFile {
    public let path: String
    public private(set) var tensors: [String: Tensor] = [:]

    /// Reads every tensor in `path`. Throws `TextError.corruptWeights` naming the file and the problem.
    public init(_ path: String) throws {
        self.path = path
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            throw TextError.unreadable(path: path, reason: "no such file or not readable")
        }
        func bad(_ reason: String) -> TextError { .corruptWeights(path: path, reason: reason) }
        guard data.count >= 8 else { throw bad("only \(data.count) bytes") }
        let headerLength = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            (0..<8).reduce(UInt64(0)) { (acc: UInt64, i: Int) in acc | UInt64(raw[i]) << UInt64(8 * i) }
        }
        guard headerLength <= UInt64(data.count - 8), headerLength <= 100_000_000 else {
            throw bad("header length \(headerLength) exceeds the file size \(data.count)")
        }
        let dataStart = 8 + Int(headerLength)
        guard let json = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart)),
            let header = json as? [String: Any]
        else { throw bad("the header is not a JSON object") }

        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                offsets.count == 2, shape.allSatisfy({ $0 >= 0 })
            else { throw bad("tensor \(name) has a malformed header entry") }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F16", "BF16": width = 2
            case "I64": width = 8
            default: throw bad("tensor \(name) has dtype \(dtype); expected F32, F16, BF16 or I64")
            }
            let count = shape.reduce(1, *)
            let (lo, hi) = (offsets[0], offsets[1])
            guard lo >= 0, hi >= lo, hi - lo == count * width, dataStart + hi <= data.count else {
                throw bad("tensor \(name) (\(dtype) \(shape)) has data offsets \(offsets) outside the file")
            }
            let t = Tensor.zeros(shape.isEmpty ? [1] : shape)
            let dst = t.mutableData
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let src = UnsafeRawBufferPointer(rebasing: raw[(dataStart + lo)..<(dataStart + hi)])
                switch dtype {
                case "F32":
                    UnsafeMutableRawBufferPointer(dst).copyMemory(from: src)
                case "F16":
                    for i in 0..<count {
                        dst[i] = Float(Float16(bitPattern: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    }
                case "BF16":
                    for i in 0..<count {
                        let b = src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                        dst[i] = Float(bitPattern: UInt32(b) << 16)
                    }
                default:
                    for i in 0..<count { dst[i] = Float(src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)) }
                }
            }
            tensors[name] = t
        }
    }

    /// The tensor `name`, which must have `shape`; throws naming the file otherwise.
    public func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
        guard let t = tensors[name] else { throw TextError.missingTensor(path: path, name: name) }
        guard t.shape == shape else {
            throw TextError.corruptWeights(path: path, reason: "\(name) has shape \(t.shape), expected \(shape)")
        }
        return t
    }
}

// WeightFile: every tensor of a `.safetensors` file as Float, read through ArrozNN's validated
// `SafeTensorsFile`, failures reported as `TextError`s (encoders and embedding files share one error type).
import ArrozNN
import ArrozTensor
import Foundation

/// A loaded `.safetensors` file: tensor name → `Tensor` (F32, F16, BF16 and integer dtypes become Float).
public struct WeightFile {
    public let path: String
    public private(set) var tensors: [String: Tensor] = [:]

    /// Reads every tensor in `path`. Throws `TextError.unreadable` for a missing file and
    /// `TextError.corruptWeights` (with the reader's diagnosis) for a truncated or malformed one.
    public init(_ path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TextError.unreadable(path: path, reason: "no such file")
        }
        do {
            let file = try SafeTensorsFile(path: path)
            for name in file.names { tensors[name] = try file.tensor(name) }
        } catch let error as SafeTensorsError {
            throw TextError.corruptWeights(path: path, reason: "\(error)")
        }
    }

    /// The tensor `name`, which must have `shape`; throws naming the file otherwise.
    public func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
        guard let t = tensors[name] else { throw TextError.missingTensor(path: path, name: name) }
        guard t.shape == shape else {
            throw TextError.corruptWeights(
                path: path, reason: "\(name) has shape \(t.shape), expected \(shape)")
        }
        return t
    }
}

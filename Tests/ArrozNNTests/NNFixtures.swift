// NNFixtures: loads Tests/ArrozNNTests/Fixtures (written by Tests/Fixtures/fixtures_nn.py) for the nn tests.
import ArrozTensor
import Foundation
import Testing

enum NNFixtures {
    struct Entry: Decodable {
        let shape: [Int]
        let data: [Double]
    }

    struct File: Decodable { let tensors: [String: Entry] }

    static func path(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")
        else {
            Issue.record("fixture \(name) missing (run Tests/Fixtures/fixtures_nn.py)")
            return "/nonexistent/\(name)"
        }
        return url.path
    }

    /// The tensors of nn_optim.json (Double values, so schedules keep full precision).
    static let optim: [String: Entry] = {
        guard let data = FileManager.default.contents(atPath: path("nn_optim.json")),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [:] }
        return file.tensors
    }()

    static func values(_ name: String) -> [Double] {
        guard let e = optim[name] else {
            Issue.record("nn_optim.json has no tensor \(name)")
            return []
        }
        return e.data
    }

    static func tensor(_ name: String, requiresGrad: Bool = false) -> Tensor {
        guard let e = optim[name] else {
            Issue.record("nn_optim.json has no tensor \(name)")
            return Tensor.zeros([0])
        }
        return Tensor(e.data.map(Float.init), shape: e.shape, requiresGrad: requiresGrad)
    }
}

/// A fresh empty directory under the system temporary directory.
func makeTemporaryDirectory(_ tag: String) -> String {
    let dir = NSTemporaryDirectory() + "arroz-nn-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

// Fixtures: loads the JSON parity fixtures written by Tests/Fixtures/make_fixtures.py and checks an op
// (forward and input gradients) against one.
import ArrozTensor
import Foundation
import Testing

/// Why a fixture could not be read; the message names the file and the fix.
public enum FixtureError: Error, CustomStringConvertible {
    case missing(path: String)
    case malformed(path: String, detail: String)
    case noTensor(name: String, path: String, available: [String])

    public var description: String {
        switch self {
        case .missing(let p):
            "fixture \(p) not found in the test bundle (hint: run ~/torch-venv/bin/python "
                + "Tests/Fixtures/make_fixtures.py and check the target declares resources: [.copy(\"Fixtures\")])"
        case .malformed(let p, let d):
            "fixture \(p) is not {\"tensors\": {name: {\"shape\", \"data\"}}}: \(d) (hint: regenerate it)"
        case .noTensor(let n, let p, let a):
            "fixture \(p) has no tensor \"\(n)\" (it has \(a.sorted().joined(separator: ", ")))"
        }
    }
}

/// One fixture file: `{"meta": {...}?, "tensors": {name: {"shape": [...], "data": [...]}}}`.
///
/// Files live in a test target's bundle under `Fixtures/<area>/<name>.json`; pass that target's `Bundle.module`.
public struct Fixture {
    private struct File: Decodable {
        struct Entry: Decodable {
            let shape: [Int]
            let data: [Float]
        }
        let tensors: [String: Entry]
    }

    /// Where it was read from (for messages).
    public let path: String
    private let tensors: [String: File.Entry]

    /// Reads `Fixtures/<area>/<name>.json` from `bundle`.
    public init(_ name: String, area: String, bundle: Bundle) throws {
        let rel = "Fixtures/\(area)/\(name).json"
        guard let url = bundle.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/\(area)")
        else { throw FixtureError.missing(path: rel) }
        try self.init(url: url, displayPath: rel)
    }

    /// Reads a fixture file from `url`.
    public init(url: URL, displayPath: String? = nil) throws {
        path = displayPath ?? url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw FixtureError.missing(path: path) }
        do {
            tensors = try JSONDecoder().decode(File.self, from: data).tensors
        } catch {
            throw FixtureError.malformed(path: path, detail: "\(error)")
        }
        for (name, e) in tensors where Shape.count(e.shape) != e.data.count {
            throw FixtureError.malformed(
                path: path, detail: "tensor \(name) has shape \(e.shape) but \(e.data.count) values")
        }
    }

    /// Names of every fixture (without `.json`) in `Fixtures/<area>` of `bundle`, sorted.
    public static func names(area: String, bundle: Bundle) -> [String] {
        guard let dir = bundle.resourceURL?.appendingPathComponent("Fixtures/\(area)"),
            let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return [] }
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Names of the tensors in this file.
    public var tensorNames: [String] { tensors.keys.sorted() }

    public func has(_ name: String) -> Bool { tensors[name] != nil }

    /// A fresh leaf tensor holding `name`.
    public func tensor(_ name: String) throws -> Tensor {
        guard let e = tensors[name] else {
            throw FixtureError.noTensor(name: name, path: path, available: Array(tensors.keys))
        }
        return Tensor(e.data, shape: e.shape)
    }

    /// A fresh leaf tensor holding `name`; a missing name stops the test with the file's contents listed.
    public subscript(_ name: String) -> Tensor {
        do { return try tensor(name) } catch { preconditionFailure("\(error)") }
    }
}

/// Checks `f` against a fixture made by `_case` in a `fixtures_<area>.py`.
///
/// Runs `f` on the tensors named `inputs`, compares with `y`, back-propagates `sum(y · r)` and compares each input's gradient with
/// `d<input>` (inputs without a `d<input>` get no gradient). Constants such as targets, indices and masks are
/// not listed in `inputs`: `f` reads them from the fixture itself.
public func expectMatchesFixture(
    _ fixture: Fixture, inputs: [String], rtol: Float = 1e-4, atol: Float = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor
) {
    let xs = inputs.map { name -> Tensor in
        let t = fixture[name]
        t.requiresGrad = fixture.has("d" + name)
        return t
    }
    let y = f(xs)
    let expected = fixture["y"]
    #expect(y.shape == expected.shape, "\(fixture.path): output shape", sourceLocation: sourceLocation)
    expectClose(
        y.scalars, expected.scalars, rtol: rtol, atol: atol, "\(fixture.path) y",
        sourceLocation: sourceLocation)
    guard y.requiresGrad else { return }
    (y * fixture["r"]).sum().backward()
    for (name, x) in zip(inputs, xs) where fixture.has("d" + name) {
        let g = x.grad?.scalars ?? [Float](repeating: 0, count: x.count)
        expectClose(
            g, fixture["d" + name].scalars, rtol: rtol, atol: atol, "\(fixture.path) d\(name)",
            sourceLocation: sourceLocation)
    }
}

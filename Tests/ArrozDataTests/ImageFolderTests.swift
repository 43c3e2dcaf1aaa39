// ImageFolderTests: sidecar captions, metadata.jsonl, and errors naming non-PNG and broken files.
import ArrozData
import ArrozImage
import Foundation
import Testing

func makeFolder(_ name: String) -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "arroz-folder-\(getpid())-\(name)")
    try? FileManager.default.removeItem(at: dir)
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

@Suite struct ImageFolderTests {
    @Test func sidecarCaptions() throws {
        let dir = makeFolder("sidecar")
        try savePNG(
            RGBImage(width: 64, height: 48, fill: (255, 0, 0)), dir.appendingPathComponent("a.png").path)
        try savePNG(
            RGBImage(width: 16, height: 16, fill: (0, 0, 255)), dir.appendingPathComponent("b.png").path)
        try "a red rectangle\n".write(
            to: dir.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        try Data().write(to: dir.appendingPathComponent(".DS_Store"))
        let d = try ImageFolderDataset(path: dir.path, size: 32)
        #expect(d.count == 2)
        #expect(d.example(0).caption == "a red rectangle" && d.example(1).caption == "")
        #expect(d.example(0).image == RGBImage(width: 32, height: 32, fill: (255, 0, 0)))
        #expect(d.example(1).image.rgb(31, 31) == RGB(0, 0, 255))
    }

    @Test func upperCaseExtensionsAndBadCaptions() throws {
        let dir = makeFolder("upper")
        try savePNG(RGBImage(width: 8, height: 8), dir.appendingPathComponent("A.PNG").path)
        try "upper case".write(to: dir.appendingPathComponent("A.TXT"), atomically: true, encoding: .utf8)
        #expect(try ImageFolderDataset(path: dir.path, size: 8).example(0).caption == "upper case")
        try Data([0xFF, 0xFE, 0xC0]).write(to: dir.appendingPathComponent("A.TXT"))
        #expect {
            _ = try ImageFolderDataset(path: dir.path, size: 8)
        } throws: { error in
            "\(error)".contains("A.TXT") && "\(error)".contains("UTF-8")
        }
    }

    @Test func metadataJSONL() throws {
        let dir = makeFolder("jsonl")
        try savePNG(
            RGBImage(width: 8, height: 8, fill: (0, 255, 0)), dir.appendingPathComponent("g.png").path)
        let lines = #"{"file_name": "g.png", "text": "green"}"# + "\n"
        try lines.write(to: dir.appendingPathComponent("metadata.jsonl"), atomically: true, encoding: .utf8)
        let d = try ImageFolderDataset(path: dir.path, size: 8)
        #expect(d.count == 1 && d.example(0).caption == "green")
    }

    @Test func nonPNGFileIsNamed() throws {
        let dir = makeFolder("jpeg")
        try savePNG(RGBImage(width: 8, height: 8), dir.appendingPathComponent("ok.png").path)
        try Data([0xFF, 0xD8, 0xFF]).write(to: dir.appendingPathComponent("photo.jpg"))
        #expect {
            _ = try ImageFolderDataset(path: dir.path)
        } throws: { error in
            "\(error)".contains("photo.jpg") && "\(error)".contains("not a PNG")
        }
    }

    @Test func brokenPNGIsNamed() throws {
        let dir = makeFolder("broken")
        let good = dir.appendingPathComponent("good.png")
        try savePNG(RGBImage(width: 8, height: 8, fill: (9, 9, 9)), good.path)
        let bytes = try Data(contentsOf: good)
        try bytes.prefix(40).write(to: dir.appendingPathComponent("zz-cut.png"))
        do {
            _ = try ImageFolderDataset(path: dir.path)
            Issue.record("broken PNG accepted")
        } catch let error as ImageError {
            guard case .corruptPNG(let path, _) = error else { Issue.record("wrong error: \(error)"); return }
            #expect(path.hasSuffix("zz-cut.png"))
        }
    }

    @Test func emptyAndMissingFolders() {
        #expect(throws: (any Error).self) { try ImageFolderDataset(path: "/nonexistent/folder") }
        let dir = makeFolder("empty")
        #expect(throws: DatasetError.empty(path: dir.path)) { try ImageFolderDataset(path: dir.path) }
    }
}

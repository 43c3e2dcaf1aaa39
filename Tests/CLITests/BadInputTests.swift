// BadInputTests: the bad-input battery of issue #10 — every numeric option at 0, negative, NaN, ∞ and absurdly
// large; every file option at a missing file, a directory, an empty file and random bytes; a PNG with each
// `parameters` field broken. Each must end in one `Error: …` line naming the option or file — zero crashes.
import ArrozImage
import Foundation
import XCTest

final class BadInputTests: XCTestCase {
    static let defaultModel = CLI.packageRoot.appendingPathComponent(
        "Sources/arroz-studio/Resources/default-model.safetensors").path

    /// Cases for `option` of a command (`base` args) at each of `values`, expecting the option and `range`.
    func numeric(_ base: [String], _ option: String, _ values: [String], _ range: String,
                 file: StaticString = #filePath, line: UInt = #line) -> [BadInput] {
        values.map { BadInput(base + ["\(option)=\($0)"], [option, range], file: file, line: line) }
    }

    static let ints = ["0", "-1", "nan", "inf", "99999999999999999999"]
    static let floats = ["nan", "inf", "-inf", "-1", "1e30"]
    static let seeds = ["-1", "nan", "inf", "1e30", "99999999999999999999999"]

    func testSampleNumericOptions() throws {
        let s = try Scratch("sample-num")
        let base = ["sample", "--prompt", "x", "--out", "o.png"]
        var cases = numeric(base, "--n", Self.ints + ["65", "100000"], "1 to 64")
        cases += numeric(base, "--steps", Self.ints + ["1001"], "1 to 1000")
        cases += numeric(base, "--cfg", Self.floats + ["51"], "0 to 50")
        cases += numeric(base, "--eta", Self.floats + ["2"], "0 to 1")
        cases += numeric(base, "--mix", Self.floats + ["2"], "0 to 1")
        cases += numeric(base, "--noise-mix", Self.floats + ["2"], "0 to 1")
        cases += numeric(base, "--strength", Self.floats + ["0", "2"], "at most 1")
        cases += numeric(base, "--scale", Self.ints + ["17", "100000"], "1 to 16")
        cases += numeric(base, "--threads", Self.ints + ["257"], "1 to 256")
        cases += numeric(base, "--seed", Self.seeds, "0 to 18446744073709551615")
        cases += numeric(base, "--noise-seed-b", Self.seeds, "0 to 18446744073709551615")
        cases += [
            BadInput(base + ["--sampler", "bogus"], ["--sampler", "bogus", "ddim"]),
            BadInput(base + ["--mix-mode", "bogus"], ["--mix-mode", "bogus", "slerp"]),
            BadInput(base + ["--invert"], ["--invert", "--image"]),
            BadInput(["sample"], ["--prompt"]),
            BadInput(base + ["--out", ""], ["--out"]),
            BadInput(base + ["--out", s["adir"]], ["--out", "adir", "directory"]),
            BadInput(base + ["--out", s["no/such/dir/o.png"]], ["--out", "no/such/dir"]),
        ]
        CLI.check(cases, cwd: s.path)
    }

    func testInterpolateNumericOptions() throws {
        let s = try Scratch("interp-num")
        let base = ["interpolate", "--a", "x", "--b", "y", "--out", "o.png"]
        var cases = numeric(base, "--frames", Self.ints + ["1", "65"], "2 to 64")
        cases += numeric(base, "--steps", Self.ints + ["1001"], "1 to 1000")
        cases += numeric(base, "--cfg", Self.floats + ["51"], "0 to 50")
        cases += numeric(base, "--columns", Self.ints + ["65"], "1 to 64")
        cases += numeric(base, "--scale", Self.ints + ["17"], "1 to 16")
        cases += numeric(base, "--threads", Self.ints + ["257"], "1 to 256")
        cases += numeric(base, "--seed", Self.seeds, "0 to 18446744073709551615")
        cases += numeric(base, "--noise-seed-b", Self.seeds, "0 to 18446744073709551615")
        cases += [
            BadInput(base + ["--sampler", "bogus"], ["--sampler", "bogus", "ddim"]),
            BadInput(base + ["--mode", "bogus"], ["--mode", "bogus", "slerp"]),
            BadInput(["interpolate", "--a", "x"], ["--b"]),
        ]
        CLI.check(cases, cwd: s.path)
    }

    func testTrainNumericOptions() throws {
        let s = try Scratch("train-num")
        let base = ["train", "--recipe", "shapes-ddpm", "--runs-dir", "r"]
        var cases = numeric(base, "--steps", Self.ints, "1 to 100000000")
        cases += numeric(base, "--minutes", Self.floats + ["0"], "0.01 to 10000")
        cases += numeric(base, "--batch-size", Self.ints + ["4097"], "1 to 4096")
        cases += numeric(base, "--limit", Self.ints, "1 to 100000000")
        cases += numeric(base, "--sample-every", Self.ints, "1 to 100000000")
        cases += numeric(base, "--checkpoint-every", Self.ints, "1 to 100000000")
        cases += numeric(base, "--threads", Self.ints + ["257"], "1 to 256")
        cases += numeric(base, "--seed", Self.seeds, "0 to 18446744073709551615")
        cases += [
            // issue #10: the limit below the batch size was an engine precondition
            BadInput(base + ["--limit", "2", "--batch-size", "4"], ["--limit", "2", "batch size 4"]),
            BadInput(base + ["--limit", "3"], ["--limit", "3", "batch size 32"]),
            BadInput(base + ["--recipe", "bogus"], ["--recipe", "bogus", "shapes-ddpm"]),
            BadInput(["train"], ["--recipe", "--run"]),
        ]
        CLI.check(cases, cwd: s.path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s["r/shapes-ddpm/run.json"]), "a refused run left a run.json")
    }

    func testEvalEmbedNumericOptions() throws {
        let s = try Scratch("eval-num")
        let m = Self.defaultModel
        let cls = ["eval", "classifier", "--out", "c.safetensors"]
        var cases = numeric(cls, "--epochs", Self.ints + ["1001"], "1 to 1000")
        cases += numeric(cls, "--threads", Self.ints, "1 to 256")
        let fashion = ["eval", "fashion", "--checkpoint", m]
        cases += numeric(fashion, "--n", Self.ints + ["1000001"], "1 to 1000000")
        cases += numeric(fashion, "--cfg", Self.floats + ["51"], "0 to 50")
        cases += numeric(fashion, "--steps", Self.ints + ["1001"], "1 to 1000")
        cases += numeric(fashion, "--seed", Self.seeds, "0 to 18446744073709551615")
        cases += numeric(fashion, "--threads", Self.ints, "1 to 256")
        cases.append(BadInput(fashion + ["--sampler", "bogus"], ["--sampler", "bogus"]))
        let denoise = ["eval", "denoise", "--checkpoint", m]
        cases += numeric(denoise, "--n", Self.ints + ["10001"], "1 to 10000")
        cases += numeric(denoise, "--steps", Self.ints + ["1001"], "1 to 1000")
        cases += numeric(denoise, "--cfg", Self.floats + ["51"], "0 to 50")
        let embed = ["embed", "x"]
        cases += numeric(embed, "--width", ["0", "-1", "7", "nan", "inf", "99999999999999999999", "100001"], "8 to 100000")
        cases += [
            BadInput(["embed"], ["prompt"]),
            BadInput(["embed", "x", "--encoder", "bogus"], ["--encoder", "bogus"]),
            // the bundled model is RGB: `eval denoise` fed it grey Fashion-MNIST (a Conv2d precondition)
            BadInput(["eval", "denoise", "--checkpoint", m, "--n", "2", "--steps", "1"], ["eval denoise", "grey 32×32"]),
            BadInput(["eval", "fashion"], ["--run", "--checkpoint"]),
            BadInput(["eval", "denoise"], ["--run", "--checkpoint"]),
            BadInput(["inspect"], ["path"]),
            BadInput(["export", m], ["--out"]),
        ]
        CLI.check(cases, cwd: s.path)
    }

    /// The studio's own options are checked before curses takes the terminal (the tests run with no tty).
    func testStudioOptions() throws {
        let s = try Scratch("tui")
        FileManager.default.createFile(atPath: s["afile"], contents: Data("x".utf8))
        let cases = [
            BadInput(["tui", "--graphics", "bogus"], ["--graphics", "bogus", "sixel"]),
            BadInput(["tui", "--colors", "bogus"], ["--colors", "bogus", "truecolor"]),
            BadInput(["tui", "--theme", "bogus"], ["--theme", "bogus", "arroz-dark"]),
            BadInput(["tui", "--themes-dir", s["no-such-dir"]], ["--themes-dir", "no-such-dir", "not a directory"]),
            BadInput(["tui", "--themes-dir", s["afile"]], ["--themes-dir", "afile", "not a directory"]),
            BadInput(["tui", "--output", s["afile"]], ["--output", "afile", "is a file"]),
            BadInput(["tui", "--output", ""], ["--output", "empty"]),
            BadInput(["tui", "--precision", "fp8"], ["--precision", "fp8", "fp32"]),
        ]
        CLI.check(cases, cwd: s.path)
    }

    /// Every file option at a missing file, a directory, an empty file and random bytes (plain, and behind the
    /// format's own magic so the parser gets past its first check).
    func testFileOptions() throws {
        let s = try Scratch("files")
        let m = Self.defaultModel
        // A run directory whose checkpoint is random bytes, and one with no checkpoint.
        try FileManager.default.createDirectory(atPath: s["badrun/checkpoints"], withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: s["random.safetensors"], toPath: s["badrun/checkpoints/latest.safetensors"])
        try FileManager.default.createDirectory(atPath: s["emptyrun"], withIntermediateDirectories: true)
        // A PNG header claiming 100000×100000 RGBA pixels (with valid CRCs).
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let t = Array(type.utf8)
            let len = UInt32(body.count)
            let crc = crc32(t + body)
            return [UInt8(len >> 24), UInt8(len >> 16 & 255), UInt8(len >> 8 & 255), UInt8(len & 255)] + t + body
                + [UInt8(crc >> 24), UInt8(crc >> 16 & 255), UInt8(crc >> 8 & 255), UInt8(crc & 255)]
        }
        let side: [UInt8] = [0, 1, 0x86, 0xA0]  // 100000
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", side + side + [8, 6, 0, 0, 0])
            + chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
        FileManager.default.createFile(atPath: s["huge.png"], contents: Data(png))
        // A PNG without a parameters chunk.
        try savePNG(RGBImage(width: 8, height: 8), s["plain.png"])
        let sample = ["sample", "--prompt", "x", "--out", "o.png"]
        var cases: [BadInput] = []
        let checkpoints = [
            ("missing.safetensors", ["missing.safetensors", "does not exist"]),
            ("adir.safetensors", ["adir.safetensors", "directory"]),
            ("empty.safetensors", ["empty.safetensors", "empty"]),
            ("random.safetensors", ["random.safetensors", "not a safetensors"]),
            ("magic.safetensors", ["magic.safetensors", "safetensors"]),
        ]
        for (f, want) in checkpoints {
            cases.append(BadInput(sample + ["--checkpoint", s[f]], want))
            cases.append(BadInput(["interpolate", "--a", "x", "--b", "y", "--checkpoint", s[f]], want))
            cases.append(BadInput(["inspect", s[f]], want))
            cases.append(BadInput(["export", s[f], "--out", s["out.safetensors"]], want))
            cases.append(BadInput(["eval", "fashion", "--checkpoint", s[f], "--classifier", m], want))
            cases.append(BadInput(["eval", "denoise", "--checkpoint", s[f]], want))
            cases.append(BadInput(["eval", "fashion", "--checkpoint", m, "--classifier", s[f]], ["--classifier"] + want))
        }
        for (f, want) in checkpoints {
            cases.append(BadInput(["import", s[f], "--class", "arroz.VQModel", "--out", s["imp.safetensors"]], want))
            cases.append(BadInput(["forward", "--checkpoint", s[f], "--inputs", m, "--out", s["fw.safetensors"]], ["--checkpoint"] + want))
            cases.append(BadInput(["forward", "--checkpoint", m, "--inputs", s[f], "--out", s["fw.safetensors"]], ["--inputs"] + want))
            cases.append(BadInput(["export", "--upstream", s[f], "--out", s["up.safetensors"]], ["--upstream"] + want))
        }
        cases += [
            BadInput(["import", m, "--class", "bogus.Model", "--out", s["imp.safetensors"]], ["--class", "bogus.Model", "arroz.VQModel"]),
            BadInput(["import", m, "--class", "arroz.VQModel", "--kwargs", "{not json", "--out", s["imp.safetensors"]], ["--kwargs"]),
            BadInput(["import", m, "--class", "arroz.VQModel", "--out", s["adir"]], ["--out", "directory"]),
            BadInput(["import", m, "--class", "arroz.DiffusionModel", "--kwargs", #"{"c_hidden": -5}"#, "--out", s["imp.safetensors"]], ["c_hidden", "≥ 1"]),
            BadInput(["import", m, "--class", "arroz.DiffusionModel", "--kwargs", #"{"c_hidden": 1e30}"#, "--out", s["imp.safetensors"]], ["c_hidden"]),
            BadInput(["import", m, "--class", "arroz.DiffusionModel", "--kwargs", #"{"down_levels": []}"#, "--out", s["imp.safetensors"]], ["down_levels"]),
        ]
        let runs = [
            ("missing-run", ["--run", "missing-run"]),
            ("emptyrun", ["--run", "emptyrun", "no checkpoint"]),
            ("empty.bin", ["--run", "empty.bin", "not a run directory"]),
            ("random.bin", ["--run", "random.bin", "not a run directory"]),
            ("badrun", ["latest.safetensors", "not a safetensors"]),
        ]
        for (f, want) in runs {
            cases.append(BadInput(sample + ["--run", s[f]], want))
            cases.append(BadInput(["interpolate", "--a", "x", "--b", "y", "--run", s[f]], want))
            cases.append(BadInput(["eval", "denoise", "--run", s[f]], want))
            cases.append(BadInput(["eval", "fashion", "--run", s[f], "--classifier", m], want))
        }
        for (f, want) in runs.prefix(2) {
            cases.append(BadInput(["inspect", s[f]], [f] + Array(want.dropFirst(2))))
            cases.append(BadInput(["export", s[f], "--out", s["out.safetensors"]], [f] + Array(want.dropFirst(2))))
        }
        cases.append(BadInput(["export", m, "--out", s["no/such/dir/out.safetensors"]], ["--out", "no/such/dir"]))
        cases.append(BadInput(["export", m, "--out", s["adir"]], ["--out", "adir", "directory"]))
        let pngs = [
            ("missing.png", ["missing.png", "does not exist"]),
            ("adir.png", ["adir.png", "directory"]),
            ("empty.png", ["empty.png", "empty"]),
            ("random.png", ["random.png", "not a PNG"]),
            ("magic.png", ["magic.png", "PNG"]),
        ]
        for (f, want) in pngs {
            cases.append(BadInput(["sample", "--from", s[f], "--out", "o.png"], ["--from"] + want))
            cases.append(BadInput(sample + ["--image", s[f]], ["--image"] + want))
            cases.append(BadInput(sample + ["--image", s[f], "--invert"], ["--image"] + want))
        }
        cases.append(BadInput(["sample", "--from", s["plain.png"]], ["--from", "plain.png", "parameters"]))
        var embeddings = [
            ("missing.npy", ["missing.npy"]),
            ("adir.npy", ["adir.npy", "directory"]),
            ("empty.npy", ["empty.npy", "empty"]),
            ("random.npy", ["random.npy", "not a .npy"]),
            ("magic.npy", ["magic.npy"]),
            ("empty.safetensors", ["empty.safetensors", "empty"]),
            ("random.safetensors", ["random.safetensors", "safetensors"]),
            ("magic.safetensors", ["magic.safetensors", "safetensors"]),
            ("adir.safetensors", ["adir.safetensors", "directory"]),
        ]
        // .npy headers that claim an overflowing or negative shape (the first crashed the reader).
        func npy(_ name: String, _ shape: String) {
            var h = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
            h += String(repeating: " ", count: (64 - (10 + h.utf8.count + 1) % 64) % 64) + "\n"
            let n = h.utf8.count
            let bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(h.utf8) + [UInt8](repeating: 0, count: 64)
            FileManager.default.createFile(atPath: s[name], contents: Data(bytes))
        }
        npy("huge.npy", "(99999999999, 99999999999)")
        npy("neg.npy", "(3, -2)")
        npy("rank3.npy", "(1, 2, 3)")
        embeddings += [("huge.npy", ["huge.npy", "too large"]), ("neg.npy", ["neg.npy", "shape"]), ("rank3.npy", ["rank3.npy", "shape"])]
        // PNGs whose header claims 100000×100000 pixels.
        cases.append(BadInput(sample + ["--image", s["huge.png"]], ["--image", "huge.png"]))
        for (f, want) in embeddings {
            cases.append(BadInput(["sample", "--prompt", "file:" + s[f], "--out", "o.png"], want))
            cases.append(BadInput(["sample", "--prompt", "x", "--prompt-b", "file:" + s[f], "--out", "o.png"], want))
            cases.append(BadInput(["interpolate", "--a", "file:" + s[f], "--b", "y"], want))
            cases.append(BadInput(["interpolate", "--a", "x", "--b", "file:" + s[f]], want))
            cases.append(BadInput(["embed", "file:" + s[f]], want))
        }
        for (f, want) in [("missing.txt", ["missing.txt"]), ("adir", ["adir", "directory"]),
                          ("empty.txt", ["empty.txt", "empty"]), ("random.txt", ["random.txt", "UTF-8"])] {
            cases.append(BadInput(["embed", "--prompts-file", s[f]], ["--prompts-file"] + want))
        }
        // A run directory whose run.json is missing, empty or random bytes.
        for (name, content) in [("nojson", nil), ("emptyjson", Data()), ("randjson", try Data(contentsOf: URL(fileURLWithPath: s["random.bin"])))] as [(String, Data?)] {
            try FileManager.default.createDirectory(atPath: s["runs/\(name)"], withIntermediateDirectories: true)
            if let content { FileManager.default.createFile(atPath: s["runs/\(name)/run.json"], contents: content) }
            cases.append(BadInput(["train", "--run", s["runs/\(name)"]], [name, "run.json"]))
        }
        CLI.check(cases, cwd: s.path)
    }

    /// A PNG whose `parameters` text has each field broken in turn.
    func testBrokenParameters() throws {
        let s = try Scratch("params")
        let m = Self.defaultModel
        let fields: [(String, String)] = [
            ("Mix", "0.0"), ("Mix mode", "normAwareSlerp"), ("Steps", "1"), ("Sampler", "ddim"), ("CFG scale", "3.0"),
            ("Seed", "42"), ("Size", "32x32"), ("Eta", "0.0"), ("Count", "1"), ("Frames", "1"), ("Noise mix", "0.0"),
            ("Noise seed B", "43"), ("Init image", "\"\(s["init.png"])\""), ("Strength", "0.6"), ("Invert", "false"),
            ("Precision", "fp32"), ("Model hash", "0"), ("Model", m),
        ]
        try savePNG(RGBImage(width: 32, height: 32, fill: (200, 30, 30)), s["init.png"])
        func text(_ replace: String? = nil, _ value: String = "", drop: Bool = false) -> String {
            let f = fields.compactMap { (k, v) -> String? in
                if k == replace { return drop ? nil : "\(k): \(value)" }
                return "\(k): \(v)"
            }
            return "red apple\nPrompt B: \n" + f.joined(separator: ", ")
        }
        let broken: [(key: String, values: [String], want: [String])] = [
            ("Mix", ["nan", "inf", "-1", "2", "abc", ""], ["0 to 1"]),
            ("Mix mode", ["bogus", ""], ["normAwareSlerp"]),
            ("Steps", ["-5", "0", "1001", "1e3", "abc", "99999999999999999999"], ["1 to 1000"]),
            ("Sampler", ["bogus", ""], ["ddim"]),
            ("CFG scale", ["nan", "inf", "-1", "51", "abc"], ["0 to 50"]),
            ("Seed", ["-1", "abc", "99999999999999999999999", "1.5"], ["0 to"]),
            ("Size", ["abc", "32x16", "0x0", "-32x-32", "99999x99999", "16x16"], ["32"]),
            ("Eta", ["nan", "inf", "-1", "2", "abc"], ["0 to 1"]),
            ("Count", ["0", "-1", "65", "abc", "99999999999999999999"], ["1 to 64"]),
            ("Frames", ["0", "-1", "65", "abc"], ["1 to 64"]),
            ("Noise mix", ["nan", "inf", "-1", "2", "abc"], ["0 to 1"]),
            ("Noise seed B", ["-1", "abc", "99999999999999999999999"], ["0 to"]),
            ("Init image", ["unquoted.png", "\"\(s["missing.png"])\"", "\"\(s["random.png"])\"", "\"\(s["adir.png"])\""], ["init"]),
            ("Strength", ["0", "nan", "inf", "-1", "2", "abc"], ["at most 1"]),
            ("Invert", ["maybe", ""], ["true or false"]),
            ("Precision", ["fp8", "", "FP32"], ["fp32 or bf16"]),
            ("Model", ["", s["missing.safetensors"], s["random.safetensors"]], ["model"]),
        ]
        var cases: [BadInput] = []
        var n = 0
        for b in broken {
            for v in b.values {
                n += 1
                let png = s["p\(n).png"]
                try savePNG(RGBImage(width: 8, height: 8), png, text: ["parameters": text(b.key, v)])
                cases.append(BadInput(["sample", "--from", png, "--out", "o.png"], ["p\(n).png", b.key] + b.want))
            }
        }
        // Required fields missing; the Prompt B line missing; rows over the limit.
        for key in ["Mix", "Steps", "Sampler", "CFG scale", "Seed", "Size", "Model"] {
            n += 1
            let png = s["p\(n).png"]
            try savePNG(RGBImage(width: 8, height: 8), png, text: ["parameters": text(key, drop: true)])
            // (a missing Sampler reads as the value "": GenerationRequest+Parameters does not say "missing")
            let want = key == "Sampler" ? ["ddim"] : ["missing"]
            cases.append(BadInput(["sample", "--from", png, "--out", "o.png"], ["p\(n).png", key] + want))
        }
        try savePNG(RGBImage(width: 8, height: 8), s["noB.png"], text: ["parameters": "red apple\nSteps: 20, Seed: 1"])
        cases.append(BadInput(["sample", "--from", s["noB.png"]], ["noB.png", "parameters"]))
        try savePNG(RGBImage(width: 8, height: 8), s["rows.png"], text: ["parameters": text("Count", "64").replacingOccurrences(of: "Frames: 1", with: "Frames: 64")])
        cases.append(BadInput(["sample", "--from", s["rows.png"]], ["rows.png", "256"]))
        CLI.check(cases, cwd: s.path)
    }

    /// `train --data DIR`: a folder with no images, a corrupt PNG, a caption missing, a non-PNG file, fewer
    /// images than the batch.
    func testTrainDataFolders() throws {
        let s = try Scratch("data")
        let fm = FileManager.default
        func folder(_ name: String, _ files: [(String, Data?)]) throws -> String {
            let dir = s["data-\(name)"]
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (f, d) in files {
                if let d { fm.createFile(atPath: dir + "/" + f, contents: d) } else {
                    try savePNG(RGBImage(width: 20, height: 20, fill: (10, 200, 10)), dir + "/" + f)
                }
            }
            return dir
        }
        let caption = { (t: String) in Data(t.utf8) }
        var pairs: [(String, Data?)] = []
        for i in 0..<6 { pairs += [("i\(i).png", nil), ("i\(i).txt", caption("a green square \(i)"))] }
        let base = ["train", "--recipe", "shapes-ddpm", "--runs-dir", s["runs"], "--batch-size", "4", "--data"]
        let random = try Data(contentsOf: URL(fileURLWithPath: s["random.bin"]))
        let cases = [
            BadInput(base + [try folder("none", [])], ["data-none", "no .png images"]),
            BadInput(base + [try folder("hidden", [(".x.png", nil), ("notes.md", Data("x".utf8))])], ["notes.md", "not a PNG"]),
            BadInput(base + [try folder("corrupt", pairs + [("zz.png", random), ("zz.txt", caption("noise"))])], ["--data", "zz.png", "not a PNG"]),
            BadInput(base + [try folder("cut", pairs + [("zz.png", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0])), ("zz.txt", caption("cut"))])], ["--data", "zz.png", "broken PNG"]),
            BadInput(base + [try folder("uncaptioned", pairs + [("nocap.png", nil)])], ["nocap.png", "caption", "nocap.txt"]),
            BadInput(base + [try folder("small", Array(pairs.prefix(4)))], ["data-small", "2 images", "batch size 4"]),
            BadInput(base + [try folder("jpeg", pairs + [("photo.jpg", Data([0xFF, 0xD8, 0xFF]))])], ["photo.jpg", "not a PNG"]),
            BadInput(base + [try folder("badmeta", pairs + [("metadata.jsonl", caption("{not json\n"))])], ["metadata.jsonl", "line 1", "fix:"]),
            BadInput(base + [s["random.bin"]], ["--data", "random.bin", "not a folder"]),
            BadInput(base + [s["missing-folder"]], ["--data", "missing-folder", "not a folder"]),
            BadInput(["train", "--recipe", "fashion-keras", "--runs-dir", s["runs"], "--data", try folder("ok", pairs)], ["--data", "class"]),
        ]
        CLI.check(cases, cwd: s.path)
    }
}

/// CRC-32 (PNG chunks).
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        c ^= UInt32(b)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
    return ~c
}

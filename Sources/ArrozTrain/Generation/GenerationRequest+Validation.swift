// GenerationRequest+Validation: every field checked against its valid range before anything reaches the engine
// (release builds run with -Ounchecked, where a precondition is not checked at all).
import ArrozDiffusion

/// The request's fields, with the names the CLI and the PNG `parameters` chunk use for them.
public enum RequestField: String, CaseIterable, Sendable {
    case mix, noiseMix, steps, cfg, eta, count, frames, strength, size, sampler, initImage, mask, outpaint, variation,
        variations

    /// The `sample` option.
    public var option: String {
        switch self {
        case .mix: "--mix"
        case .noiseMix: "--noise-mix"
        case .steps: "--steps"
        case .cfg: "--cfg"
        case .eta: "--eta"
        case .count: "--n"
        case .frames: "--frames"
        case .strength: "--strength"
        case .size: "--size"
        case .sampler: "--sampler"
        case .initImage: "--image"
        case .mask: "--mask"
        case .outpaint: "--outpaint"
        case .variation: "--variation"
        case .variations: "--variations"
        }
    }

    /// The key in the PNG `parameters` chunk.
    public var key: String {
        switch self {
        case .mix: "Mix"
        case .noiseMix: "Noise mix"
        case .steps: "Steps"
        case .cfg: "CFG scale"
        case .eta: "Eta"
        case .count: "Count"
        case .frames: "Frames"
        case .strength: "Strength"
        case .size: "Size"
        case .sampler: "Sampler"
        case .initImage: "Init image"
        case .mask: "Mask"
        case .outpaint: "Outpaint"
        case .variation: "Variation"
        case .variations: "Variations of"
        }
    }
}

/// A request field outside its valid range: names the field, the value and what is valid.
public struct GenerationError: Error, CustomStringConvertible, Equatable {
    public var field: String
    public var value: String
    public var valid: String

    public init(field: String, value: String, valid: String) {
        (self.field, self.value, self.valid) = (field, value, valid)
    }

    public var description: String { "\(field): \(value) is not valid (\(valid))" }
}

extension GenerationRequest {
    public static let stepRange = 1...1000
    public static let cfgRange: ClosedRange<Float> = 0...50
    public static let countRange = 1...64
    public static let framesRange = 1...64

    /// Checks every field; `name` says how to call a field in the message (a CLI option, a PNG key).
    public func validate(naming name: (RequestField) -> String = { $0.option }) throws {
        func check(_ ok: Bool, _ f: RequestField, _ value: String, _ valid: String) throws {
            if !ok { throw GenerationError(field: name(f), value: value, valid: valid) }
        }
        func unit(_ x: Float, _ f: RequestField) throws {
            try check(x.isFinite && x >= 0 && x <= 1, f, "\(x)", "a number from 0 to 1")
        }
        try unit(mix, .mix)
        try unit(noiseMix, .noiseMix)
        try check(Self.stepRange.contains(steps), .steps, "\(steps)", "a whole number from 1 to 1000")
        try check(cfg.isFinite && Self.cfgRange.contains(cfg), .cfg, "\(cfg)", "a number from 0 to 50")
        try unit(eta, .eta)
        try check(Self.countRange.contains(count), .count, "\(count)", "a whole number from 1 to 64")
        try check(Self.framesRange.contains(frames), .frames, "\(frames)", "a whole number from 1 to 64")
        try check(
            strength.isFinite && strength > 0 && strength <= 1, .strength, "\(strength)",
            "a number above 0, at most 1")
        try check(size >= 1 && size <= 4096, .size, "\(size)", "the model's image side, e.g. 32")
        try check(rows <= 256, .count, "\(count) × \(frames) frames", "at most 256 images in one request")
        try validateEdits(check)
    }

    /// Mask, outpaint and variation: each needs the init image, one at a time, within the image.
    func validateEdits(_ check: (Bool, RequestField, String, String) throws -> Void) throws {
        let edits: [(RequestField, String)] = [
            mask.map { (.mask, $0) }, outpaint.map { (.outpaint, $0.map(String.init).joined(separator: ",")) },
            variation.map { (.variation, "\($0)") },
        ].compactMap { $0 }
        for (f, v) in edits {
            try check(initImage != nil, f, v, "it edits an init image: give --image too")
            try check(!invert, f, v, "it cannot be combined with --invert")
        }
        if edits.count > 1 {
            try check(false, edits[1].0, edits[1].1, "one of --mask, --outpaint, --variation at a time")
        }
        if let outpaint {
            let text = outpaint.map(String.init).joined(separator: ",")
            try check(
                outpaint.count == 4 && outpaint.allSatisfy { $0 >= 0 } && outpaint.contains { $0 > 0 }, .outpaint, text,
                "left,top,right,bottom: four whole numbers ≥ 0, not all 0")
            try check(
                outpaint[0] + outpaint[2] < size && outpaint[1] + outpaint[3] < size, .outpaint, text,
                "left + right and top + bottom must stay below the image side \(size)")
        }
        if let variation {
            try check(variation.isFinite && variation > 0 && variation <= 1, .variation, "\(variation)",
                      "a number above 0, at most 1")
        }
    }

    /// Checks the request against the pipeline that will run it: sampler, size, image-to-image support.
    public func validate(for pipeline: any GenerationPipeline, naming name: (RequestField) -> String = { $0.option })
        throws
    {
        try validate(naming: name)
        guard pipeline.samplers.contains(sampler) else {
            throw GenerationError(
                field: name(.sampler), value: sampler.rawValue,
                valid: "this model samples with \(pipeline.samplers.map(\.rawValue).joined(separator: ", "))")
        }
        if let most = pipeline.maxSteps, steps > most {
            throw GenerationError(field: name(.steps), value: "\(steps)", valid: "this model samples in 1 to \(most) steps")
        }
        let s = pipeline.outputShape.size
        guard size == s else {
            throw GenerationError(field: name(.size), value: "\(size)", valid: "this model makes \(s)×\(s) images")
        }
        if initImage != nil {
            let need: PipelineCapabilities = invert ? .inversion : .imageToImage
            let editing = mask != nil || outpaint != nil || variation != nil
            guard editing || pipeline.capabilities.contains(need) else {
                throw GenerationError(
                    field: name(.initImage), value: initImage ?? "",
                    valid: invert ? "this model cannot invert images" : "this model has no image-to-image")
            }
            let edit: (PipelineCapabilities, RequestField, String)? =
                mask != nil ? (.inpainting, .mask, "this model cannot inpaint") :
                outpaint != nil ? (.inpainting, .outpaint, "this model cannot outpaint") :
                variation != nil ? (.variation, .variation, "this model makes no structural variations") : nil
            if let (cap, field, why) = edit, !pipeline.capabilities.contains(cap) {
                throw GenerationError(field: name(field), value: initImage ?? "", valid: why)
            }
            if invert && sampler != .ddim {
                throw GenerationError(
                    field: name(.sampler), value: sampler.rawValue, valid: "inversion runs with ddim")
            }
        }
        if let variationsOf, !pipeline.capabilities.contains(.variations) {
            throw GenerationError(
                field: name(.variations), value: variationsOf, valid: "this model makes no image variations")
        }
    }
}

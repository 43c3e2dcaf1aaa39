// Reproduce: `sample --from image.png` as library code — the request a PNG's `parameters` chunk describes, the
// checkpoint its model name refers to, and the redrawn sheet — so the studio's round-trip test runs this path.
import ArrozImage
import Foundation

public enum Reproduce {
    /// The request in the `parameters` chunk of the PNG at `path` (every field validated).
    public static func request(fromPNG path: String) throws -> GenerationRequest {
        let text = try loadPNGText(path)
        guard let line = text["parameters"] else {
            throw ParametersError.missing(source: path)
        }
        return try GenerationRequest(parametersText: line, source: path)
    }

    /// Redraws `request` on `model`: its images, laid out as `sample` and the studio save them.
    public static func render(_ request: GenerationRequest, model: LoadedModel, onStep: ((PipelineStep) -> Bool)? = nil)
        throws -> RGBImage?
    {
        guard let x = try model.generate([request], onStep: onStep) else { return nil }
        return request.sheet(RGBImage.images(fromBatch: x))
    }
}

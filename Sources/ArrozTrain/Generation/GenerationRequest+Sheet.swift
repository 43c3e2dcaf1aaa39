// GenerationRequest+Sheet: how a request's images are laid out in one PNG — the same for `sample`,
// `interpolate` and the studio's `s`, so a saved sheet reproduces pixel for pixel.
import ArrozImage

extension GenerationRequest {
    /// The images of this request (row order: image k, then strip frame f) on one sheet: a strip is one row
    /// per image k; several images wrap at 8 columns; one image is itself.
    public func sheet(_ images: [RGBImage]) -> RGBImage {
        guard images.count > 1 else { return images[0] }
        return ImageGrid.contactSheet(images, columns: frames > 1 ? frames : min(count, 8), padding: 2)
    }
}

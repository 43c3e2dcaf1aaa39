// ResizeCache: the scaled copies of recent images, by (image, pixel size, filter), so a frame that redraws an
// unchanged preview or thumbnail neither resamples it nor hands the Screen new pixel storage (equal images
// that share storage compare in O(1), which keeps the Screen's "already shown?" checks cheap).
import ArrozImage

/// A small first-in-first-out cache of ``RGBImage/resized(width:height:filter:)`` results. One per studio
/// (UI thread only).
public final class ResizeCache {
    private struct Key: Hashable {
        let image: RGBImage
        let width: Int
        let height: Int
        let filter: ResizeFilter
    }

    /// Entries kept: the preview, a grid and a window of thumbnails, with room for the ones sliding out.
    public let capacity: Int
    private var entries: [Key: RGBImage] = [:]
    private var order: [Key] = []
    /// Look-ups answered from the cache and resamples done (tests, bench).
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init(capacity: Int = 64) {
        precondition(capacity > 0, "ResizeCache: capacity \(capacity) must be positive")
        self.capacity = capacity
    }

    /// `image` resampled to `width × height` with `filter` (the image itself at its own size).
    public func resized(_ image: RGBImage, width: Int, height: Int, filter: ResizeFilter) -> RGBImage {
        if (width, height) == (image.width, image.height) { return image }
        let key = Key(image: image, width: width, height: height, filter: filter)
        if let cached = entries[key] {
            hits += 1
            return cached
        }
        misses += 1
        let scaled = image.resized(width: width, height: height, filter: filter)
        entries[key] = scaled
        order.append(key)
        if order.count > capacity { entries[order.removeFirst()] = nil }
        return scaled
    }
}

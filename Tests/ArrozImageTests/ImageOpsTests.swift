// ImageOpsTests: tensor conversion, resizing, compositing and contact sheets.
import ArrozImage
import ArrozTensor
import Testing

@Suite struct ImageOpsTests {
    @Test func tensorRoundTrip() {
        let image = RGBImage(width: 2, height: 1, pixels: [0, 128, 255, 10, 20, 30])
        let t = image.tensor()
        #expect(t.shape == [3, 1, 2])
        // p / 127.5 − 1: R plane = [0, 10] → [-1, -0.92157], B plane = [255, 30] → [1, -0.76471]
        #expect(abs(t[0, 0, 0] + 1) < 1e-6 && abs(t[0, 0, 1] - (10 / 127.5 - 1)) < 1e-6)
        #expect(abs(t[2, 0, 0] - 1) < 1e-6 && abs(t[1, 0, 0] - (128 / 127.5 - 1)) < 1e-6)
        #expect(RGBImage(tensor: t) == image)
        let batch = RGBImage.batch([image, RGBImage(width: 2, height: 1, fill: (255, 0, 0))])
        #expect(batch.shape == [2, 3, 1, 2])
        #expect(RGBImage.images(fromBatch: batch)[0] == image)
        #expect(batch[1, 0, 0, 1] == 1 && batch[1, 1, 0, 1] == -1)
    }

    @Test func greyTensorAndClamping() {
        let image = RGBImage(width: 1, height: 1, fill: (255, 255, 255))
        #expect(abs(image.greyTensor().item - 1) < 1e-5)
        let mixed = RGBImage(width: 1, height: 1, fill: (255, 0, 0))
        // BT.601: 0.299 · 255 / 127.5 − 1 = −0.402
        #expect(abs(RGBImage.batch([mixed, image], channels: 1)[0, 0, 0, 0] + 0.402) < 1e-4)
        #expect(RGBImage.batch([mixed, image], channels: 1).shape == [2, 1, 1, 1])
        let grey = RGBImage(tensor: Tensor([-3, 0, 5], shape: [1, 1, 3]))
        #expect(grey.pixels == [0, 0, 0, 128, 128, 128, 255, 255, 255])
    }

    @Test func resizeFilters() {
        // 4x1 row [0, 100, 200, 40] (grey)
        let row = RGBImage(
            width: 4, height: 1, pixels: [0, 100, 200, 40].flatMap { [UInt8($0), UInt8($0), UInt8($0)] })
        #expect(
            row.resized(width: 2, height: 1, filter: .area).pixels.enumerated().filter { $0.0 % 3 == 0 }.map(
                \.1)
                == [50, 120])
        #expect(row.resized(width: 2, height: 1, filter: .nearest).pixels[0] == 0)
        #expect(row.resized(width: 2, height: 1, filter: .nearest).pixels[3] == 200)
        // bilinear 4→2 (align_corners=False): src = 2·o + 0.5 → averages of neighbours: 50, 120
        #expect(row.resized(width: 2, height: 1, filter: .bilinear).pixels[3] == 120)
        // upscale 2→4 nearest duplicates
        let two = RGBImage(width: 2, height: 1, pixels: [10, 10, 10, 90, 90, 90])
        #expect(
            two.resized(width: 4, height: 2, filter: .nearest).pixels.prefix(12) == [
                10, 10, 10, 10, 10, 10, 90, 90, 90, 90, 90, 90,
            ])
        // torch: F.interpolate(torch.tensor([[[[10., 90.]]]]), size=(1, 4), mode="bilinear") → 10, 30, 70, 90
        #expect(
            two.resized(width: 4, height: 1, filter: .bilinear).pixels.enumerated().filter { $0.0 % 3 == 0 }
                .map(\.1) == [10, 30, 70, 90])
    }

    @Test func alphaCompositing() {
        let rgba = RGBAImage(width: 2, height: 1, pixels: [255, 0, 0, 255, 0, 0, 0, 128])
        let out = rgba.composited()
        #expect(out[0, 0] == (255, 0, 0))
        // 0·128/255 + 255·127/255 = 127
        #expect(out[1, 0] == (127, 127, 127))
    }

    @Test func contactSheetLayout() {
        let red = RGBImage(width: 2, height: 2, fill: (255, 0, 0))
        let blue = RGBImage(width: 2, height: 2, fill: (0, 0, 255))
        let sheet = ImageGrid.contactSheet(
            [red, blue, red], columns: 2, padding: 1, background: RGB(0, 0, 0))
        #expect(sheet.width == 2 * 2 + 3 && sheet.height == 2 * 2 + 3)
        #expect(sheet[0, 0] == (0, 0, 0))
        #expect(sheet[1, 1] == (255, 0, 0))
        #expect(sheet[4, 2] == (0, 0, 255))
        #expect(sheet[1, 4] == (255, 0, 0))
        #expect(sheet[4, 4] == (0, 0, 0))
    }
}

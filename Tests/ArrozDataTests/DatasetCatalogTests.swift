// DatasetCatalogTests: names and folder paths open the right datasets; unknown names list the choices.
import ArrozData
import ArrozImage
import Foundation
import Testing

@Suite struct DatasetCatalogTests {
    @Test func opensByNameAndPath() throws {
        let shapes = try DatasetCatalog.open("shapes", size: 16, seed: 3)
        #expect(shapes.name == "shapes" && shapes.example(0).image.width == 16)
        let fashion = try DatasetCatalog.open("fashion-mnist:test")
        #expect(fashion.count == 10_000 && fashion.classNames?.count == 10)
        let dir = makeFolder("catalog")
        try savePNG(RGBImage(width: 4, height: 4), dir.appendingPathComponent("x.png").path)
        #expect(try DatasetCatalog.open(dir.path, size: 4).count == 1)
    }

    @Test func unknownNameListsTheChoices() {
        #expect {
            _ = try DatasetCatalog.open("cifar-10")
        } throws: { error in
            "\(error)".contains("cifar-10") && "\(error)".contains("fashion-mnist")
        }
    }
}

// ConvFixtureTests: conv2d, convTranspose2d, avgPool2d and the upsamplers against PyTorch
// (fixtures written by Tests/Fixtures/fixtures_conv.py: inputs, y, upstream r, and grads of sum(y·r)).
import ArrozTensor
import ArrozTestSupport
import Foundation
import Testing

/// The op each fixture case ran in PyTorch, in our API. Inputs arrive in the fixture's order (x, w, b).
let convFixtureCases: [(String, ([Tensor]) -> Tensor)] = [
    ("conv_basic", { t in conv2d(t[0], weight: t[1], bias: t[2], padding: 1) }),
    (
        "conv_stride2_asym",
        { t in
            conv2d(
                t[0], weight: t[1], bias: t[2], stride: (2, 2),
                padding: (top: 0, bottom: 1, left: 1, right: 0))
        }
    ),
    ("conv_rect", { t in conv2d(t[0], weight: t[1], bias: t[2], stride: (2, 1), padding: (1, 2)) }),
    ("conv_depthwise", { t in conv2d(t[0], weight: t[1], bias: t[2], padding: 3, groups: 6) }),
    ("conv_paella_groups", { t in conv2d(t[0], weight: t[1], bias: t[2], padding: 1, groups: 4) }),
    ("conv_groups2", { t in conv2d(t[0], weight: t[1], bias: t[2], padding: 1, groups: 2) }),
    ("conv_pointwise", { t in conv2d(t[0], weight: t[1], bias: t[2]) }),
    ("conv_down4x4", { t in conv2d(t[0], weight: t[1], bias: t[2], stride: 2, padding: 1) }),
    ("convT_4x4_s2_p1", { t in convTranspose2d(t[0], weight: t[1], bias: t[2], stride: 2, padding: 1) }),
    ("convT_2x2_s2", { t in convTranspose2d(t[0], weight: t[1], bias: t[2], stride: 2) }),
    (
        "convT_3x3_s2_p1_op1",
        { t in
            convTranspose2d(t[0], weight: t[1], bias: t[2], stride: 2, padding: 1, outputPadding: 1)
        }
    ),
    (
        "convT_groups2",
        { t in convTranspose2d(t[0], weight: t[1], bias: t[2], stride: 2, padding: 1, groups: 2) }
    ),
    ("convT_3x3_s1_p1", { t in convTranspose2d(t[0], weight: t[1], padding: 1) }),
    ("avgpool_2", { t in avgPool2d(t[0], kernel: 2) }),
    ("avgpool_3_s2_p1", { t in avgPool2d(t[0], kernel: 3, stride: 2, padding: 1) }),
    ("nearest_scale2", { t in upsampleNearest(t[0], scale: 2) }),
    ("nearest_size_7x5", { t in upsampleNearest(t[0], size: (7, 5)) }),
    ("nearest_size_down", { t in upsampleNearest(t[0], size: (3, 2)) }),
    ("bilinear_7x9", { t in upsampleBilinear(t[0], size: (7, 9)) }),
    ("bilinear_down", { t in upsampleBilinear(t[0], size: (3, 2)) }),
    ("bilinear_x2", { t in upsampleBilinear(t[0], size: (6, 6)) }),
]

@Suite struct ConvFixtureTests {
    @Test(arguments: convFixtureCases.indices)
    func matchesPyTorch(_ index: Int) throws {
        let (name, op) = convFixtureCases[index]
        let f = try Fixture(name, area: "conv", bundle: .module)
        expectMatchesFixture(f, inputs: ["x", "w", "b"].filter { f.has($0) }, rtol: 1e-4, atol: 1e-4, op)
    }

    @Test func everyFixtureFileHasACase() {
        let cases = Set(convFixtureCases.map(\.0))
        let files = Fixture.names(area: "conv", bundle: .module)
        #expect(!files.isEmpty)
        #expect(Set(files) == cases, "fixture files without a case or cases without a file")
    }
}

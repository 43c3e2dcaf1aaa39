// swift-tools-version: 6.0
// arroz-studio: train and sample small text-conditioned diffusion models on a CPU, in a terminal studio.
import PackageDescription

// Release builds on x86-64 target Haswell-class CPUs (AVX2 + FMA, x86-64-v3): our own kernels (Winograd
// transforms, norms, activations) vectorise 8 lanes wide instead of SSE's 4. OpenBLAS picks its own kernels
// at run time either way.
#if arch(x86_64)
let release: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release))
]
#else
let release: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
#endif

let package = Package(
    name: "arroz-studio",
    products: [.executable(name: "arroz-studio", targets: ["arroz-studio"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // MARK: C boundary
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(
            name: "CCurses",
            cSettings: [.define("_XOPEN_SOURCE_EXTENDED"), .define("_DEFAULT_SOURCE")],
            linkerSettings: [.linkedLibrary("ncursesw"), .linkedLibrary("tinfo")]),
        .systemLibrary(name: "CSixel", pkgConfig: "libsixel", providers: [.apt(["libsixel-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png16")]),
        // oneDNN through dlopen at run time: builds and runs without it (see Sources/CArrozDNNL).
        .target(name: "CArrozDNNL", linkerSettings: [.linkedLibrary("dl")]),

        // MARK: Swift stack (arrows point down only)
        .target(name: "ArrozTensor", dependencies: ["CBLAS", "CArrozDNNL"], swiftSettings: release),
        .target(name: "ArrozNN", dependencies: ["ArrozTensor"], swiftSettings: release),
        .target(name: "ArrozModels", dependencies: ["ArrozNN"], swiftSettings: release),
        .target(name: "ArrozText", dependencies: ["ArrozNN"], swiftSettings: release),
        .target(name: "ArrozDiffusion", dependencies: ["ArrozTensor"], swiftSettings: release),
        .target(name: "ArrozImage", dependencies: ["ArrozTensor", "CPNG", "CSixel", "CZlib"], swiftSettings: release),
        .target(name: "ArrozData", dependencies: ["ArrozImage", "CZlib"], swiftSettings: release),
        .target(
            name: "ArrozTrain",
            dependencies: ["ArrozModels", "ArrozDiffusion", "ArrozData", "ArrozText"],
            swiftSettings: release),
        .target(name: "ArrozStudio", dependencies: ["ArrozTrain", "CCurses"], swiftSettings: release),
        .executableTarget(
            name: "arroz-studio",
            dependencies: [
                "ArrozTrain",
                "ArrozStudio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: release),

        // MARK: Tests
        .target(
            name: "ArrozTestSupport", dependencies: ["ArrozTensor", "ArrozText", "ArrozNN", "ArrozModels", "ArrozTrain"],
            path: "Tests/ArrozTestSupport"),
        .testTarget(
            name: "ArrozTensorTests", dependencies: ["ArrozTensor", "ArrozTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ArrozStudioTests",
            dependencies: [
                "ArrozStudio", "ArrozTrain", "ArrozDiffusion", "ArrozModels", "ArrozData", "ArrozText", "ArrozTensor",
                "ArrozTestSupport",
            ]),
        .testTarget(name: "ArrozDiffusionTests", dependencies: ["ArrozDiffusion", "ArrozTestSupport"]),
        .testTarget(
            name: "ArrozImageTests", dependencies: ["ArrozImage", "CSixel"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ArrozDataTests", dependencies: ["ArrozData"]),
        .testTarget(
            name: "ArrozNNTests", dependencies: ["ArrozNN", "ArrozTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ArrozTextTests", dependencies: ["ArrozText", "ArrozNN", "ArrozTestSupport"], resources: [.copy("Fixtures")]),

        .testTarget(
            name: "ArrozModelsTests", dependencies: ["ArrozModels", "ArrozTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "ArrozTrainTests", dependencies: ["ArrozTrain", "ArrozTestSupport"]),
        // The executable as a subprocess: bad input must end in one error line, never a crash.
        .testTarget(name: "CLITests", dependencies: ["arroz-studio", "ArrozImage"]),
    ],
    swiftLanguageModes: [.v5]
)

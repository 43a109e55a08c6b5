// swift-tools-version:6.0
import PackageDescription

// One target per stage; data flows one way:
//   KiteBinary (bytes -> Module) -> KiteTranslator (validate + register bytecode)
//   -> Kite (store, instances, memory, tables; runs code through CKiteDispatch)
// KiteText (WAT/WAST -> bytes) sits beside the engine; KiteSpec runs .wast scripts;
// the `kite` CLI is on top.
let package = Package(
    name: "Kite",
    products: [
        .library(name: "Kite", targets: ["Kite"]),
        .library(name: "KiteText", targets: ["KiteText"]),
        .library(name: "KiteBinary", targets: ["KiteBinary"]),
        .library(name: "KiteWASI", targets: ["KiteWASI"]),
        .executable(name: "kite", targets: ["KiteCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "KiteBinary"),
        .target(name: "KiteText"),
        .target(name: "KiteTranslator", dependencies: ["KiteBinary"]),
        // libunwind (libunwind-dev): the native frames of host calls in guest profiles.
        .systemLibrary(name: "CLibunwind", pkgConfig: "libunwind", providers: [.apt(["libunwind-dev"])]),
        .target(name: "CKiteDispatch", dependencies: ["CLibunwind"]),
        .target(name: "Kite", dependencies: ["KiteBinary", "KiteTranslator", "CKiteDispatch", "CLibunwind"]),
        .target(name: "KiteSpec", dependencies: ["Kite", "KiteText", "KiteBinary"]),
        .target(name: "KiteWASI", dependencies: ["Kite"]),
        .executableTarget(
            name: "KiteCLI",
            dependencies: [
                "Kite", "KiteText", "KiteSpec", "KiteWASI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // WasmKit's example programs with only their imports changed (Examples/README.md).
        .executableTarget(name: "Factorial", dependencies: ["Kite", "KiteText"], path: "Examples/Sources/Factorial"),
        .executableTarget(name: "PrintAdd", dependencies: ["Kite", "KiteText"], path: "Examples/Sources/PrintAdd"),
        .executableTarget(name: "StringPassing", dependencies: ["Kite", "KiteText"], path: "Examples/Sources/StringPassing"),
        .executableTarget(name: "WASI-Hello", dependencies: ["Kite", "KiteWASI"], path: "Examples/Sources/WASI-Hello"),
        // Crashes in a host function on purpose: the crash-report test runs it.
        .executableTarget(name: "kite-crash-probe", dependencies: ["Kite", "KiteText"], path: "Tests/CrashProbe"),
        // Fuzz targets and their libFuzzer executable (Tools/fuzz, RELIABILITY.md); nothing
        // of the library depends on them.
        .target(name: "KiteFuzzTargets", dependencies: ["Kite", "KiteBinary", "KiteText", "KiteTranslator", "KiteWASI"]),
        .target(name: "CKiteFuzz"),
        .executableTarget(name: "kite-fuzz", dependencies: ["KiteFuzzTargets", "CKiteFuzz", "KiteText"], path: "Fuzz/KiteFuzz"),
        // The benchmark harness's runner for Kite (Benchmarks/README.md).
        .executableTarget(name: "kite-runner", dependencies: ["Kite", "KiteText", "KiteWASI", "KiteFuzzTargets"],
                          path: "Benchmarks/KiteRunner"),
        .testTarget(name: "KiteBinaryTests", dependencies: ["KiteBinary"]),
        .testTarget(name: "KiteTextTests", dependencies: ["KiteText"]),
        .testTarget(name: "KiteWASITests", dependencies: ["KiteWASI", "Kite", "KiteText"]),
        // Runs the built `kite` executable (swift build --build-tests builds it).
        .testTarget(name: "KiteCLITests"),
        .testTarget(
            name: "KiteTests",
            dependencies: ["Kite", "KiteText", "KiteSpec", "KiteTranslator", "KiteFuzzTargets"],
            exclude: ["Golden", "spec-expectations.txt", "FuzzRegressions", "DifferentialRegressions"]
        ),
    ]
)

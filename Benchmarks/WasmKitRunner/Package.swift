// swift-tools-version:6.0
import PackageDescription

// WasmKit's side of Kite's benchmark harness (Benchmarks/harness.py). A package of its own so that
// Kite never depends on WasmKit. Build: swift build -c release --product wasmkit-runner
let package = Package(
    name: "WasmKitRunner",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wasmkit-runner", targets: ["wasmkit-runner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swiftwasm/WasmKit", exact: "0.4.2"),
    ],
    targets: [
        .executableTarget(
            name: "wasmkit-runner",
            dependencies: [
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmKitWASI", package: "WasmKit"),
                .product(name: "WasmParser", package: "WasmKit"),
                .product(name: "WAT", package: "WasmKit"),
            ]
        ),
    ]
)

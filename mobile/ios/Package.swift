// swift-tools-version: 5.9
// The phone app's iOS platform plugin (camera to a file, location fixes, the app's data folder),
// bundled by the Dioxus CLI (`dx`); Rust calls it through the `manganis::ffi` bindings in
// `src/platform/native.rs`.
import PackageDescription

let package = Package(
    name: "FleetPlatform",
    platforms: [.iOS(.v16)],
    products: [.library(name: "FleetPlatform", type: .static, targets: ["FleetPlatform"])],
    targets: [.target(name: "FleetPlatform", path: "Sources/FleetPlatform")]
)

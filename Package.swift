// swift-tools-version:5.10
import PackageDescription

let package = Package(
    name: "gaitstore",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gaitstore", targets: ["gaitstore"]),
        .library(name: "ObjectStore", targets: ["ObjectStore"]),
        .library(name: "Refs", targets: ["Refs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CGit2", path: "Sources/CGit2", pkgConfig: "libgit2",
                       providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),
        .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
                       providers: [.apt(["libsodium-dev"]), .brew(["libsodium"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ObjectStore", dependencies: [
            "CGit2", "CSodium", "CZlib",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Refs", dependencies: ["ObjectStore", "CGit2", "CSodium"]),
        .executableTarget(name: "gaitstore", dependencies: [
            "ObjectStore", "Refs",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "TestSupport"]),
        .testTarget(name: "GaitstoreCLITests", dependencies: ["ObjectStore", "TestSupport"]),
        .testTarget(name: "RefsTests", dependencies: ["Refs", "ObjectStore", "TestSupport"]),
    ]
)

// swift-tools-version: 6.0
// CouncilShare: exact shared-services grouping for English local government.
// SPDX-License-Identifier: GPL-3.0-or-later
import PackageDescription

let package = Package(
    name: "CouncilShare",
    products: [
        .library(name: "CouncilShare", targets: ["CouncilShare"]),
        .executable(name: "councilshare", targets: ["councilshare"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: C layer
        .systemLibrary(
            name: "CGLPK",
            providers: [.apt(["libglpk-dev"])]
        ),

        // MARK: Solver-neutral model and the GLPK backend
        .target(name: "LinearModel"),
        .target(
            name: "GLPKBackend",
            dependencies: ["CGLPK", "LinearModel"],
            linkerSettings: [.linkedLibrary("m")]
        ),

        // MARK: Council domain
        .target(
            name: "CouncilShare",
            dependencies: [
                "LinearModel", "GLPKBackend",
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // MARK: Command-line tool
        .executableTarget(
            name: "councilshare",
            dependencies: [
                "CouncilShare",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Tests
        .testTarget(
            name: "CouncilShareTests",
            dependencies: ["CouncilShare", "LinearModel", "GLPKBackend"]
        ),
    ],
    swiftLanguageModes: [.v5]
)

// swift-tools-version: 6.1
import PackageDescription

// Micro-benchmarks of Helpline's hot paths, with ordo-one/benchmark:
//   cd Benchmarks && swift package benchmark
// Kept out of the main package so its dependencies never reach Helpline's users.
let package = Package(
    name: "HelplineBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Helpline", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkFixtures",
            dependencies: [
                .product(name: "HelplineDialogue", package: "Helpline"),
                .product(name: "HelplineServer", package: "Helpline"),
                .product(name: "HelplineBench", package: "Helpline"),
            ]
        ),
        .executableTarget(
            name: "Language",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Language",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Dialogue",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Dialogue",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Protocol",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Protocol",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// The `helpline` binary is linked with jemalloc where its library is installed (Debian's
/// `libjemalloc-dev`; `.ci/run` installs it): the daemon's turns allocate and free many small
/// values on two event loops at once, which jemalloc's per-thread caches serve with about a tenth
/// less processor time than glibc's allocator (docs/PERFORMANCE.md). Without the library, or with
/// `HELPLINE_ALLOCATOR=system`, the binary uses the system's allocator and behaves the same.
let linksJemalloc: Bool = {
    #if os(Linux)
    guard ProcessInfo.processInfo.environment["HELPLINE_ALLOCATOR"] != "system" else { return false }
    let folders = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"]
    return folders.contains { FileManager.default.fileExists(atPath: $0 + "/libjemalloc.so") }
    #else
    return false
    #endif
}()

let package = Package(
    name: "Helpline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "helpline", targets: ["HelplineCLI"]),
        .library(name: "HelplineText", targets: ["HelplineText"]),
        .library(name: "HelplineIntents", targets: ["HelplineIntents"]),
        .library(name: "HelplineEvaluation", targets: ["HelplineEvaluation"]),
        .library(name: "HelplineDialogue", targets: ["HelplineDialogue"]),
        .library(name: "HelplineDesk", targets: ["HelplineDesk"]),
        .library(name: "HelplineServer", targets: ["HelplineServer"]),
        .library(name: "HelplineFiles", targets: ["HelplineFiles"]),
        .library(name: "HelplineChat", targets: ["HelplineChat"]),
        .library(name: "HelplineTranscripts", targets: ["HelplineTranscripts"]),
        .library(name: "HelplineBench", targets: ["HelplineBench"]),
        .library(name: "HelplineReview", targets: ["HelplineReview"]),
        .library(name: "HelplinePostgres", targets: ["HelplinePostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
    ],
    targets: [
        // Layer 1: text analysis. Pure Swift, no dependencies.
        .target(name: "HelplineText"),

        // Layer 2: intent matching over the data in Intents/.
        .target(
            name: "HelplineIntents",
            dependencies: [
                "HelplineText",
                .product(name: "Yams", package: "Yams"),
            ],
            // The model is trained at start-up; unoptimized, that takes seconds instead of
            // milliseconds, so debug builds (and the tests) optimize this module too.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))],
            plugins: ["EmbedData"]
        ),

        // Scoring the matcher: labelled files, cross-validation, threshold sweeps, calibration
        // (`helpline eval`, `helpline review --merge`, the tests); not part of the running daemon.
        .target(
            name: "HelplineEvaluation",
            dependencies: ["HelplineText", "HelplineIntents"]
        ),

        // Layer 3: the dialogue state machine. Pure: no I/O, clock injected.
        .target(
            name: "HelplineDialogue",
            dependencies: [
                "HelplineText",
                "HelplineIntents",
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // Layer 3: the specialists' desk — queues, the appeal's life, wait estimates, the desk
        // protocol's shapes. Pure like the dialogue: no I/O, clock injected.
        .target(
            name: "HelplineDesk",
            dependencies: [
                "HelplineText",
                "HelplineIntents",
                "HelplineDialogue",
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // Layer 4: the Unix-socket daemon, its protocol and persistence; the socket client.
        .target(
            name: "HelplineServer",
            dependencies: [
                "HelplineIntents",
                "HelplineDialogue",
                "HelplineDesk",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),

        // The PostgreSQL store: several daemons on one database.
        .target(
            name: "HelplinePostgres",
            dependencies: [
                "HelplineDesk",
                "HelplineDialogue",
                "HelplineServer",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),

        // Layer 5: front ends.
        // Reading the data from disk for the front ends: the intents folder (--intents DIR,
        // $HELPLINE_INTENTS) and profile files. The layers below take texts already read.
        .target(
            name: "HelplineFiles",
            dependencies: ["HelplineIntents", "HelplineDialogue"]
        ),
        // The chat's back ends, shared by the chat and the transcript replayer: a conversation
        // with the engine in this process or with a daemon over its socket.
        .target(
            name: "HelplineChat",
            dependencies: [
                "HelplineDialogue",
                "HelplineIntents",
                "HelplineDesk",
                "HelplineServer",
            ]
        ),
        // The load generator and timings behind `helpline bench`.
        .target(
            name: "HelplineBench",
            dependencies: [
                "HelplineDialogue",
                "HelplineDesk",
                "HelplineServer",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "HelplineTranscripts",
            dependencies: [
                "HelplineChat",
                "HelplineDesk",
                "HelplineFiles",
                "HelplineIntents",
                "HelplineDialogue",
                "HelplineServer",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // `helpline review`: what real traffic says about the matcher, and merging corrected lines.
        .target(
            name: "HelplineReview",
            dependencies: [
                "HelplineFiles",
                "HelplineIntents",
                "HelplineEvaluation",
                "HelplineDialogue",
                "HelplineServer",
            ]
        ),
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),
        // jemalloc's settings for the binary (see `linksJemalloc`).
        .target(name: "CAllocator"),
        .executableTarget(
            name: "HelplineCLI",
            dependencies: [
                "HelplineText",
                "HelplineIntents",
                "HelplineDialogue",
                "HelplineDesk",
                "HelplineServer",
                "HelplineFiles",
                "HelplineChat",
                "HelplineTranscripts",
                "HelplineBench",
                "HelplineReview",
                "HelplineEvaluation",
                "HelplinePostgres",
                "CReadline",
                "CAllocator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: linksJemalloc ? [.linkedLibrary("jemalloc")] : []
        ),

        // What the tests share: an in-process daemon on a temporary socket, the built `helpline serve`
        // as a child process, temporary folders, a clock moved by hand, waiting for child processes,
        // PostgreSQL servers and databases.
        .target(
            name: "HelplineTesting",
            dependencies: [
                "HelplineFiles",
                "HelplineIntents",
                "HelplineDialogue",
                "HelplineDesk",
                "HelplineServer",
                "HelplinePostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),

        // Build-time embedding of Intents/ into the binary, so `helpline` runs from any directory.
        .executableTarget(name: "EmbedDataTool"),
        .plugin(
            name: "EmbedData",
            capability: .buildTool(),
            dependencies: ["EmbedDataTool"]
        ),

        .testTarget(name: "HelplineTextTests", dependencies: ["HelplineText"]),
        .testTarget(name: "HelplineIntentsTests", dependencies: ["HelplineText", "HelplineIntents", "HelplineEvaluation"],
                    resources: [.copy("Data")]),
        .testTarget(name: "HelplineFilesTests", dependencies: ["HelplineDialogue", "HelplineFiles", "HelplineIntents"]),
        .testTarget(name: "HelplineDialogueTests", dependencies: ["HelplineText", "HelplineIntents", "HelplineDialogue"]),
        .testTarget(name: "HelplineDeskTests", dependencies: ["HelplineIntents", "HelplineDialogue", "HelplineDesk"]),
        .testTarget(
            name: "HelplineServerTests",
            dependencies: [
                "HelplineTesting",
                "HelplineIntents",
                "HelplineDialogue",
                "HelplineDesk",
                "HelplineServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "HelplineChatTests",
            dependencies: [
                "HelplineTesting",
                "HelplineIntents",
                "HelplineDialogue",
                "HelplineChat",
                "HelplineServer",
            ]
        ),
        .testTarget(
            name: "HelplinePostgresTests",
            dependencies: [
                "HelplineTesting",
                "HelplineIntents",
                "HelplineDialogue",
                "HelplineServer",
                "HelplinePostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "HelplineTranscriptsTests",
            dependencies: [
                "HelplineTesting",
                "HelplineChat",
                "HelplineFiles",
                "HelplineIntents",
                "HelplineDialogue",
                "HelplineTranscripts",
                "HelplineServer",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HelplineBenchTests",
            dependencies: [
                "HelplineTesting",
                "HelplineIntents",
                "HelplineDialogue",
                "HelplineDesk",
                "HelplineServer",
                "HelplineBench",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .testTarget(
            name: "HelplineFuzzTests",
            dependencies: [
                "HelplineText",
                "HelplineIntents",
                "HelplineDialogue",
                "HelplineServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Corpus"]
        ),
        .testTarget(
            name: "HelplineReviewTests",
            dependencies: [
                "HelplineFiles",
                "HelplineTesting",
                "HelplineReview",
                "HelplineTranscripts",
                "HelplineServer",
                "HelplineDialogue",
                "HelplineIntents",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HelplineCLITests",
            dependencies: [
                "HelplineTesting", "HelplineText", "HelplineIntents", "HelplineDialogue", "HelplineDesk", "HelplineServer", "HelplineChat",
                "HelplineTranscripts", "HelplineCLI",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

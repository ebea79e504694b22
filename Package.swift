// swift-tools-version:6.0
//
// fieldsync: a civil-air-defence performance-evaluation intake and scoring daemon.
// The targets follow the data's path; see README.md ("Layout").

import PackageDescription

let package = Package(
    name: "fieldsync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fieldsync", targets: ["fieldsync"]),
        .executable(name: "fieldsync-central", targets: ["fieldsync-central"]),
        .executable(name: "fieldsync-bench", targets: ["fieldsync-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // libcurl from Debian's libcurl4-openssl-dev, and a tiny typed C shim over its
        // variadic setopt/getinfo calls, which do not import into Swift.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        // Swift HTTP client over libcurl: one blocking transfer, run off the cooperative pool.
        .target(name: "Curl", dependencies: ["CCurlShim"]),

        // Multi-thread mode for SQLite (sqlite3_config is variadic: not callable from Swift).
        .target(
            name: "CSQLiteTuning",
            dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")],
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),

        // Linux calls Glibc's Swift module leaves out (declared only under _GNU_SOURCE).
        .target(name: "CLinux"),
        // Linux integration: the one syscall layer (directory descriptors, *at() calls),
        // inotify, sd_notify, signals, journald-friendly logging.
        .target(
            name: "FieldsyncSystem",
            dependencies: ["CLinux", .product(name: "Logging", package: "swift-log")]
        ),

        // The domain: config and schemes, intake (read, parse, validate), store,
        // scoring, delivery, and the service loop.
        .target(
            name: "FieldsyncKit",
            dependencies: [
                "Curl",
                "CSQLiteTuning",
                "FieldsyncSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the per-record statements of ingest (see Reconciler).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(
            name: "fieldsync",
            dependencies: [
                "FieldsyncKit",
                "FieldsyncSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),

        // The reference central receiver of the push protocol (SPEC §7).
        .target(
            name: "FieldsyncCentral",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "fieldsync-central",
            dependencies: [
                "FieldsyncCentral",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .executableTarget(
            name: "fieldsync-bench",
            dependencies: ["FieldsyncKit"]
        ),

        // A scriptable HTTP server on 127.0.0.1 that misbehaves on cue, for the tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "CurlTests", dependencies: ["Curl", "TestSupport"]),
        .testTarget(name: "FieldsyncSystemTests", dependencies: ["FieldsyncSystem"]),
        // FieldsyncCentral: delivery tests replay to the reference receiver in-process.
        .testTarget(name: "FieldsyncKitTests", dependencies: ["FieldsyncKit", "FieldsyncCentral", "TestSupport"]),
        .testTarget(
            name: "FieldsyncCentralTests",
            dependencies: [
                "FieldsyncCentral",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

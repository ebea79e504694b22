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
        // The parsers as fuzzing targets, for Fuzz/ (libFuzzer) and the tests' smoke runs.
        .library(name: "FieldsyncFuzzing", targets: ["FieldsyncFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
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

        // SQLite's WAL checkpoints beside the writer, not in its commits: shared by the
        // daemon's store and central's.
        .target(
            name: "SQLiteWAL",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),

        // Linux calls Glibc's Swift module leaves out (declared only under _GNU_SOURCE).
        .target(name: "CLinux"),
        // Linux plumbing: the one syscall layer (directory descriptors, *at() calls),
        // inotify, sd_notify, signals, journald-friendly logging.
        .target(
            name: "FieldsyncSystem",
            dependencies: ["CLinux", .product(name: "Logging", package: "swift-log")]
        ),

        // The data's path. Each target imports only what is listed; the README's
        // layout table draws the same graph.
        //
        // What the daemon and central share: the scores document's vocabulary, the one
        // strict JSON reader and writer with exact numbers, timestamps, grades, the
        // idempotency key.
        .target(name: "FieldsyncProtocol"),
        // The evaluation's vocabulary, no I/O: schemes and indicators, exact numbers,
        // records, sources and their rights, problems.
        .target(
            name: "FieldsyncModel",
            dependencies: ["FieldsyncProtocol", .product(name: "BigInt", package: "BigInt")]
        ),
        // fieldsync.toml and scheme files (TOML), checked, with errors naming file, key, line.
        .target(
            name: "FieldsyncConfig",
            dependencies: [
                "FieldsyncModel", "FieldsyncProtocol",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Reading and validating records from bytes (CSV, JSON, JSONL; UTF-8, GB18030):
        // knows nothing of files, SQLite or the network.
        // .xlsx workbooks are read from bytes in memory (ZIPFoundation, Foundation's
        // XMLParser), never from a path.
        .target(
            name: "FieldsyncRecords",
            dependencies: ["FieldsyncModel", "FieldsyncProtocol", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // Workbooks written for people (the scoreboard), with ZIPFoundation.
        .target(name: "FieldsyncWorkbook", dependencies: ["FieldsyncProtocol", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // The report a leadership meeting reads, rendered from scores documents alone
        // (the daemon's `fieldsync report` and central's pages).
        .target(name: "FieldsyncReport", dependencies: ["FieldsyncProtocol"]),
        // Pure scoring: current values in, a scoreboard and its document out.
        .target(
            name: "FieldsyncScoring",
            dependencies: ["FieldsyncModel", "FieldsyncProtocol", .product(name: "BigInt", package: "BigInt")]
        ),
        // The SQLite store: the ledger of files, every revision, current values.
        .target(
            name: "FieldsyncStore",
            dependencies: [
                "FieldsyncModel", "FieldsyncProtocol", "FieldsyncScoring", "CSQLiteTuning", "SQLiteWAL",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the per-record statements of ingest (see Reconciler).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // From a drop directory to the store: hostile files handled by descriptor,
        // staged, read, validated, reconciled, answered.
        .target(
            name: "FieldsyncIntake",
            dependencies: [
                "FieldsyncConfig", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncRecords", "FieldsyncStore",
                "FieldsyncSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The outbox and the courier that pushes it to central over libcurl.
        .target(
            name: "FieldsyncDelivery",
            dependencies: [
                "Curl", "FieldsyncConfig", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncScoring", "FieldsyncStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `fieldsync run` and `status`: the service over intake and delivery.
        .target(
            name: "FieldsyncDaemon",
            dependencies: [
                "FieldsyncConfig", "FieldsyncDelivery", "FieldsyncIntake", "FieldsyncModel", "FieldsyncProtocol",
                "FieldsyncScoring", "FieldsyncStore", "FieldsyncSystem",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Every parser as a fuzzing target: any bytes in, no crash, invariants checked.
        .target(
            name: "FieldsyncFuzzing",
            dependencies: ["FieldsyncConfig", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncRecords"]
        ),
        // `git describe` at build time, for `fieldsync --version`.
        .plugin(name: "GitVersion", capability: .buildTool()),
        .executableTarget(
            name: "fieldsync",
            dependencies: [
                "FieldsyncConfig", "FieldsyncDaemon", "FieldsyncDelivery", "FieldsyncIntake", "FieldsyncModel",
                "FieldsyncProtocol", "FieldsyncReport", "FieldsyncScoring", "FieldsyncStore", "FieldsyncSystem", "FieldsyncWorkbook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["GitVersion"]
        ),

        // The reference central receiver of the push protocol (SPEC §7).
        .target(
            name: "FieldsyncCentral",
            dependencies: [
                "FieldsyncProtocol", "FieldsyncReport", "SQLiteWAL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "fieldsync-central",
            dependencies: [
                "FieldsyncCentral",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),

        .executableTarget(
            name: "fieldsync-bench",
            dependencies: ["FieldsyncConfig", "FieldsyncDaemon", "FieldsyncIntake", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncScoring", "FieldsyncStore", "FieldsyncSystem"]
        ),

        // A scriptable HTTP server on 127.0.0.1 that misbehaves on cue, for the tests.
        .target(name: "TestSupport", dependencies: ["FieldsyncSystem"], path: "Tests/TestSupport"),
        // The one test site, the one way to wait, the daemon as a child process, users
        // of their own (setpriv): what the tests of every module share.
        .target(
            name: "FieldsyncTesting",
            dependencies: [
                "FieldsyncConfig", "FieldsyncDaemon", "FieldsyncDelivery", "FieldsyncIntake", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncRecords", "FieldsyncScoring", "FieldsyncStore", "FieldsyncSystem",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/FieldsyncTesting"
        ),

        // Tests mirror the sources: one target per module.
        .testTarget(name: "SQLiteWALTests", dependencies: ["SQLiteWAL", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "FieldsyncProtocolTests", dependencies: ["FieldsyncProtocol", "FieldsyncTesting"]),
        .testTarget(name: "FieldsyncConfigTests", dependencies: ["FieldsyncConfig", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncTesting"]),
        .testTarget(name: "FieldsyncRecordsTests", dependencies: ["FieldsyncRecords", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncTesting"],
                    exclude: ["Producers"]),
        .testTarget(name: "FieldsyncFuzzingTests", dependencies: ["FieldsyncFuzzing", "FieldsyncTesting"]),
        .testTarget(name: "FieldsyncScoringTests", dependencies: ["FieldsyncScoring", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncTesting", .product(name: "BigInt", package: "BigInt")]),
        .testTarget(
            name: "FieldsyncStoreTests",
            dependencies: ["FieldsyncStore", "FieldsyncDaemon", "FieldsyncDelivery", "FieldsyncIntake", "FieldsyncModel", "FieldsyncProtocol",
                           "FieldsyncScoring", "FieldsyncTesting",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "FieldsyncIntakeTests",
            dependencies: ["FieldsyncConfig", "FieldsyncDaemon", "FieldsyncDelivery", "FieldsyncIntake", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncRecords", "FieldsyncScoring", "FieldsyncStore", "FieldsyncSystem", "FieldsyncTesting", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "FieldsyncDeliveryTests",
            dependencies: ["FieldsyncConfig", "FieldsyncDaemon", "FieldsyncDelivery", "FieldsyncIntake", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncRecords", "FieldsyncScoring", "FieldsyncStore", "FieldsyncSystem", "FieldsyncTesting", "FieldsyncCentral", "TestSupport",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "FieldsyncDaemonTests",
            dependencies: ["FieldsyncConfig", "FieldsyncDaemon", "FieldsyncDelivery", "FieldsyncIntake", "FieldsyncModel", "FieldsyncProtocol", "FieldsyncRecords", "FieldsyncScoring", "FieldsyncStore", "FieldsyncSystem", "FieldsyncTesting", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "FieldsyncSystemTests", dependencies: ["FieldsyncSystem", "FieldsyncTesting"]),
        .testTarget(name: "FieldsyncReportTests", dependencies: ["FieldsyncReport", "FieldsyncProtocol", "FieldsyncTesting"]),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "TestSupport"]),
        .testTarget(
            name: "FieldsyncCentralTests",
            dependencies: [
                "FieldsyncCentral",
                "FieldsyncProtocol",
                "FieldsyncReport",
                "FieldsyncTesting",
                "TestSupport",
                "Curl",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

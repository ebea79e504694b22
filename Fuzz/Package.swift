// swift-tools-version:6.0
//
// libFuzzer over fieldsync's parsers. Built apart from the main package, with every
// Swift module instrumented for coverage (`make fuzz` does this):
//
//   swift build --package-path Fuzz -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//
// One binary; FUZZ_TARGET names the parser (see FieldsyncFuzzing.FuzzTarget).

import PackageDescription

let package = Package(
    name: "fieldsync-fuzz",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "fieldsync-fuzz", targets: ["fieldsync-fuzz"])],
    dependencies: [.package(name: "fieldsync", path: "..")],
    targets: [
        .executableTarget(
            name: "fieldsync-fuzz",
            dependencies: [.product(name: "FieldsyncFuzzing", package: "fieldsync")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
import PackageDescription

// A package of its own so that `--sanitize=fuzzer` instruments only the fuzz target and the MIME
// module, and so the main package and its `make test` never link libFuzzer's `main`.
// Build and run with `Tests/Fuzz/run.sh [SECONDS] [TARGET]` (MIMEFuzzer or IncidentFuzzer).
let package = Package(
    name: "helpdeskd-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "helpdeskd", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "MIMEFuzzer",
            dependencies: [.product(name: "MIME", package: "helpdeskd")]
        ),
        .executableTarget(
            name: "IncidentFuzzer",
            dependencies: [
                .product(name: "MIME", package: "helpdeskd"), .product(name: "Incident", package: "helpdeskd"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

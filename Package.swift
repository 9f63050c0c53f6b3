// swift-tools-version:6.1
import PackageDescription

/// Settings every Swift target shares: Swift 6 mode is the package default; these catch the rest early.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "helpdeskd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "helpdeskd", targets: ["helpdeskd"]),
        // The core as libraries, for the fuzzing package in Tests/Fuzz and for embedding.
        .library(name: "MIME", targets: ["MIME"]),
        .library(name: "Incident", targets: ["Incident"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The metrics endpoint's HTTP server (HummingbirdCore; the web interface will add Hummingbird's
        // router). Its swift-configuration support is not used: the daemon has its own configuration.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // Staff passwords (bcrypt) for the web interface.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        // C libraries, wrapped so no variadic or macro-only API leaks into Swift.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(name: "CMalloc"),
        // Tesseract's C API and Leptonica (image decoding), for the OCR worker only.
        .systemLibrary(
            name: "CTesseract",
            pkgConfig: "tesseract",
            providers: [.apt(["libtesseract-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),

        // Core: pure, synchronous code over bytes.
        .target(name: "MIME", dependencies: ["CLibXML2"], swiftSettings: strictSettings),
        .target(name: "Digest", dependencies: ["CLibCrypto"], swiftSettings: strictSettings),
        .target(name: "Incident", dependencies: ["MIME", "Digest"], swiftSettings: strictSettings),

        // Edges: storage and mail transport.
        .target(
            name: "TicketStore",
            dependencies: ["MIME", "Incident", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .target(name: "Mail", dependencies: ["CCurl"], swiftSettings: strictSettings),
        // OCR of screenshots (Tesseract), run by `helpdeskd ocr-worker` in a child process with limits.
        .target(name: "ScreenshotOCR", dependencies: ["CTesseract", "Incident"], swiftSettings: strictSettings),
        // OAuth 2.0 access tokens for IMAP and SMTP logins: the grants (pure), the token files, RS256 JWTs;
        // token requests go over Mail's libcurl HTTPS edge.
        .target(name: "OAuth", dependencies: ["Mail", "CLibCrypto"], swiftSettings: strictSettings),

        // The daemon and its command line.
        .target(
            name: "Helpdesk",
            dependencies: [
                "MIME", "Incident", "TicketStore", "Mail", "OAuth", "Digest", "CMalloc",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: strictSettings
        ),
        // The staff web workspace: Hummingbird's router over the store and the staff desk.
        .target(
            name: "StaffWeb",
            dependencies: [
                "Helpdesk", "TicketStore", "Incident", "MIME", "Digest",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // In-memory IMAP and SMTP servers and a store that can be made to fail: the daemon's logic tested in
        // milliseconds, without root or server processes (Tests/DaemonTests).
        .target(
            name: "HelpdeskTesting", dependencies: ["Helpdesk", "TicketStore", "MIME"],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "helpdeskd",
            dependencies: [
                "Helpdesk", "MIME", "Incident", "TicketStore", "Mail", "OAuth", "StaffWeb", "ScreenshotOCR",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        .testTarget(name: "MIMETests", dependencies: ["MIME", "CLibXML2"], swiftSettings: strictSettings),
        .testTarget(name: "DigestTests", dependencies: ["Digest"], swiftSettings: strictSettings),
        .testTarget(
            name: "IncidentTests", dependencies: ["Incident", "MIME"], exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "TicketStoreTests", dependencies: ["TicketStore"], swiftSettings: strictSettings),
        .testTarget(
            name: "HelpdeskTests",
            dependencies: ["Helpdesk", "Incident", "MIME", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Helpdesk", "HelpdeskTesting", "TicketStore", "Incident", "MIME",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StaffWebTests", dependencies: ["StaffWeb", "Helpdesk", "TicketStore", "Incident"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ScreenshotOCRTests", dependencies: ["ScreenshotOCR", "Helpdesk", "Incident", "MIME"],
            exclude: ["Images"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "MailTests", dependencies: ["Mail", "OAuth", "CCurl", "Helpdesk", "TicketStore"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

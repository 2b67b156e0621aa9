// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ARPlatform",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ZMQ", targets: ["ZMQ"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "Messaging", targets: ["Messaging"]),
        .library(name: "Contracts", targets: ["Contracts"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // System libraries (Debian: libzmq3-dev, libpq-dev).
        .systemLibrary(
            name: "CZeroMQ", path: "Shared/CZeroMQ", pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(
            name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CCairo", path: "Shared/CCairo", pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev"])]),

        // Shared layers.
        .target(name: "Threading", path: "Shared/Threading"),
        .target(name: "ZMQ", dependencies: ["CZeroMQ", "Threading"], path: "Shared/ZMQ"),
        .target(name: "PDF", dependencies: ["CCairo"], path: "Shared/PDF"),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")],
            path: "Shared/Postgres"),
        .target(name: "Contracts", path: "Shared/Contracts"),
        // How contract types (ids, instants, business dates, JSON) are stored in PostgreSQL.
        .target(name: "PostgresContracts", dependencies: ["Postgres", "Contracts"], path: "Shared/PostgresContracts"),
        .target(
            name: "Messaging",
            dependencies: [
                "ZMQ", "Postgres", "PostgresContracts", "Contracts", "Threading",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/Messaging",
            resources: [.copy("Migrations")]),

        .target(
            name: "ServiceKit",
            dependencies: [
                "Messaging", "Postgres", "PostgresContracts", "Contracts", "ZMQ", "Threading",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/ServiceKit"),

        // Services: a library each (Domain, Store + Migrations, Handlers) and a tiny executable.
        .target(
            name: "CustomerService",
            dependencies: ["ServiceKit", "Messaging", "Postgres", "PostgresContracts", "Contracts",
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Services/Customer/CustomerService", resources: [.copy("Store/Migrations")]),
        .executableTarget(
            name: "customer-service", dependencies: ["CustomerService", "ServiceKit"],
            path: "Services/Customer/customer-service"),
        .target(
            name: "InvoiceService", dependencies: ["ServiceKit", "Messaging", "Postgres", "PostgresContracts", "Contracts", "PDF"],
            path: "Services/Invoice/InvoiceService", resources: [.copy("Store/Migrations")]),
        .executableTarget(
            name: "invoice-service", dependencies: ["InvoiceService", "ServiceKit"],
            path: "Services/Invoice/invoice-service"),
        .target(
            name: "PaymentsService", dependencies: ["ServiceKit", "Messaging", "Postgres", "PostgresContracts", "Contracts",
                                                    .product(name: "Crypto", package: "swift-crypto")],
            path: "Services/Payments/PaymentsService", resources: [.copy("Store/Migrations")]),
        .executableTarget(
            name: "payments-service", dependencies: ["PaymentsService", "ServiceKit"],
            path: "Services/Payments/payments-service"),
        .target(
            name: "CommunicationsService", dependencies: ["ServiceKit", "Messaging", "Postgres", "PostgresContracts", "Contracts"],
            path: "Services/Communications/CommunicationsService", resources: [.copy("Store/Migrations")]),
        .executableTarget(
            name: "communications-service", dependencies: ["CommunicationsService", "ServiceKit"],
            path: "Services/Communications/communications-service"),
        .target(
            name: "HistoryService", dependencies: ["ServiceKit", "Messaging", "Postgres", "PostgresContracts", "Contracts"],
            path: "Services/History/HistoryService", resources: [.copy("Store/Migrations")]),
        .executableTarget(
            name: "history-service", dependencies: ["HistoryService", "ServiceKit"],
            path: "Services/History/history-service"),

        .target(
            name: "IdentityService",
            dependencies: [
                "ServiceKit", "Messaging", "Postgres", "PostgresContracts", "Contracts",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/Gateway/IdentityService", resources: [.copy("Store/Migrations")]),
        .target(
            name: "Gateway",
            dependencies: [
                "ServiceKit", "Messaging", "Contracts", "IdentityService", "Threading",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            path: "Services/Gateway/Gateway", resources: [.copy("Web/Assets"), .copy("Web/Templates")]),
        .executableTarget(name: "gateway", dependencies: ["Gateway", "ServiceKit"], path: "Services/Gateway/gateway"),

        // Benchmarks (`make bench`), not part of `make test`.
        .target(name: "BenchSupport", path: "Benchmarks/BenchSupport"),
        .executableTarget(
            name: "MessagingBench",
            dependencies: [
                "BenchSupport", "ZMQ", "Postgres", "PostgresContracts", "Messaging", "Contracts", "Threading", "Gateway",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/MessagingBench"),
        // The whole system against the direct-SQL floor (`make bench`): starts the release executables.
        .executableTarget(
            name: "SystemBench",
            dependencies: ["BenchSupport", "Postgres", "Contracts", "ServiceKit", "TestSupport", "Threading",
                           .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/SystemBench"),

        // Tests.
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "PostgresContracts", "ZMQ", "Contracts", "Messaging", "ServiceKit",
                           .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"),
        .testTarget(name: "ZMQTests", dependencies: ["ZMQ"], path: "Tests/ZMQTests"),
        .testTarget(name: "BenchSupportTests", dependencies: ["BenchSupport"], path: "Tests/BenchSupportTests"),
        .testTarget(
            name: "PostgresTests", dependencies: ["Postgres", "PostgresContracts", "Contracts", "Threading", "TestSupport"],
            path: "Tests/PostgresTests"),
        .testTarget(
            name: "ContractsTests", dependencies: ["Contracts"], path: "Tests/ContractsTests",
            resources: [.copy("Golden")]),
        .testTarget(
            name: "MessagingTests",
            dependencies: ["Messaging", "ZMQ", "Postgres", "PostgresContracts", "Contracts", "TestSupport"],
            path: "Tests/MessagingTests"),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Messaging", "Contracts", "ServiceKit", "Threading", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Tests/GatewayTests"),
        // Each service's domain rules and catalogue, in-process.
        // customer-service's commands also against a real PostgreSQL (`ServiceHarness`).
        .testTarget(
            name: "CustomerServiceTests",
            dependencies: ["CustomerService", "Contracts", "Messaging", "Postgres", "TestSupport",
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/CustomerServiceTests"),
        .testTarget(
            name: "InvoiceServiceTests",
            dependencies: ["InvoiceService", "Contracts", "Messaging", "Postgres", "ServiceKit", "TestSupport",
                           .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/InvoiceServiceTests"),
        .testTarget(
            name: "PaymentsServiceTests",
            dependencies: ["PaymentsService", "Contracts", "Postgres", "Threading", "TestSupport",
                           .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/PaymentsServiceTests"),
        .testTarget(
            name: "CommunicationsServiceTests", dependencies: ["CommunicationsService", "Contracts", "Postgres", "TestSupport"],
            path: "Tests/CommunicationsServiceTests"),
        .testTarget(name: "HistoryServiceTests", dependencies: ["HistoryService", "Contracts"], path: "Tests/HistoryServiceTests"),
        .testTarget(
            name: "IdentityServiceTests",
            dependencies: ["IdentityService", "ServiceKit", "Contracts", .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")],
            path: "Tests/IdentityServiceTests"),
        .testTarget(
            name: "SystemTests",
            dependencies: [
                "Messaging", "ZMQ", "Postgres", "PostgresContracts", "Contracts", "TestSupport", "Gateway", "ServiceKit",
                "Threading",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                // Built before the tests run, and started by them as processes.
                "customer-service", "invoice-service", "payments-service", "communications-service", "history-service",
                "gateway",
            ],
            path: "Tests/SystemTests"),
    ],
    swiftLanguageModes: [.v6]
)

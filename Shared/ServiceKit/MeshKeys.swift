import Contracts
import Foundation
import ZMQ

/// The CURVE keys of the service mesh, as one process sees them: its own key pair and
/// every executable's public key. Every command and event socket authenticates with
/// them; a server admits exactly these public keys, each as the service it belongs to.
///
/// Where they come from, for each executable `<name>` (customer … history, gateway):
/// - `AR_<NAME>_PUBLIC_KEY` / `AR_<NAME>_SECRET_KEY` (Z85, 40 characters), e.g. from
///   compose secrets; otherwise
/// - the files `<name>.pub` and `<name>.key` in `AR_KEYS_DIR` (`make run`: `.data/keys`,
///   written by `gateway generate-keys`). A secret key file must not be readable by
///   group or others.
///
/// A process reads only its own secret key; a process without keys does not start.
public struct MeshKeys: Sendable {
    /// Who this process is.
    public let identity: ServiceName
    public let own: CurveKeyPair
    public let publicKeys: [ServiceName: String]

    public init(identity: ServiceName, own: CurveKeyPair, publicKeys: [ServiceName: String]) {
        self.identity = identity
        self.own = own
        self.publicKeys = publicKeys
    }

    /// Loads the keys for `identity`; throws a message naming what is missing.
    public static func load(for identity: ServiceName, environment: Environment) throws -> MeshKeys {
        let directory = environment.string("AR_KEYS_DIR", default: "")
        var publicKeys: [ServiceName: String] = [:]
        for service in ServiceName.allCases {
            publicKeys[service] = try key("\(service.environmentPrefix)_PUBLIC_KEY", file: "\(service.rawValue).pub",
                                          directory: directory, secret: false, environment: environment)
        }
        let secret = try key("\(identity.environmentPrefix)_SECRET_KEY", file: "\(identity.rawValue).key",
                             directory: directory, secret: true, environment: environment)
        guard Set(publicKeys.values).count == publicKeys.count else {
            throw ConfigurationError("two executables have the same CURVE public key; each needs its own (gateway generate-keys)")
        }
        let own = try CurveKeyPair(secretKey: secret)
        guard own.publicKey == publicKeys[identity] else {
            throw ConfigurationError("the \(identity.rawValue) secret key does not match its public key")
        }
        return MeshKeys(identity: identity, own: own, publicKeys: publicKeys)
    }

    private static func key(_ variable: String, file: String, directory: String, secret: Bool,
                            environment: Environment) throws -> String {
        let fromEnvironment = environment.string(variable, default: "")
        if !fromEnvironment.isEmpty { return try checked(fromEnvironment, source: variable) }
        guard !directory.isEmpty else {
            throw ConfigurationError("no CURVE key: set AR_KEYS_DIR (make run uses .data/keys) or \(variable)")
        }
        let path = (directory as NSString).appendingPathComponent(file)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read \(path): create the keys with `gateway generate-keys \(directory)` or set \(variable)")
        }
        if secret {
            let mode = ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? 0
            guard mode & 0o077 == 0 else {
                throw ConfigurationError("\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
            }
        }
        return try checked(text.trimmingCharacters(in: .whitespacesAndNewlines), source: path)
    }

    private static func checked(_ key: String, source: String) throws -> String {
        guard key.utf8.count == 40 else { throw ConfigurationError("\(source) is not a Z85 CURVE key (40 characters)") }
        return key
    }

    /// Every mesh member's public key, mapped to the identity a ZAP handler gives it.
    public var admittedClients: [String: String] {
        Dictionary(publicKeys.map { ($0.value, $0.key.rawValue) }, uniquingKeysWith: { first, _ in first })
    }

    /// CURVE client settings for talking to `server`.
    public func client(to server: ServiceName) -> SocketSecurity {
        .curveClient(own, serverKey: publicKeys[server] ?? "")
    }

    /// Starts the admission check for `context` and returns the server-side settings for
    /// this process's ROUTER and PUB sockets.
    public func server(on context: ZMQContext) throws -> (SocketSecurity, ZAPAuthenticator) {
        let authenticator = try ZAPAuthenticator(context: context, clients: admittedClients)
        return (.curveServer(own, authenticator: authenticator), authenticator)
    }

    /// Writes a key pair for every executable that has none yet into `directory` (mode
    /// 0700; secret keys 0600, public keys 0644); returns the names it created.
    @discardableResult
    public static func generateMissing(in directory: String) throws -> [ServiceName] {
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                  attributes: [.posixPermissions: 0o700])
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        var created: [ServiceName] = []
        for service in ServiceName.allCases {
            let secretPath = (directory as NSString).appendingPathComponent("\(service.rawValue).key")
            let publicPath = (directory as NSString).appendingPathComponent("\(service.rawValue).pub")
            if files.fileExists(atPath: secretPath) && files.fileExists(atPath: publicPath) { continue }
            let pair = try CurveKeyPair.generate()
            guard files.createFile(atPath: secretPath, contents: Data((pair.secretKey + "\n").utf8),
                                   attributes: [.posixPermissions: 0o600]),
                  files.createFile(atPath: publicPath, contents: Data((pair.publicKey + "\n").utf8),
                                   attributes: [.posixPermissions: 0o644])
            else { throw ConfigurationError("cannot write keys into \(directory)") }
            created.append(service)
        }
        for key in SecretKeyFile.all {
            let path = (directory as NSString).appendingPathComponent(key.fileName)
            guard !files.fileExists(atPath: path) else { continue }
            guard files.createFile(atPath: path, contents: Data((SecretKeyFile.generate() + "\n").utf8),
                                   attributes: [.posixPermissions: 0o600])
            else { throw ConfigurationError("cannot write keys into \(directory)") }
        }
        return created
    }

    /// Fresh key pairs for every executable as environment lines
    /// (`AR_<NAME>_PUBLIC_KEY='…'`, `AR_<NAME>_SECRET_KEY='…'`), for compose's `.env`.
    /// Single-quoted: Z85 has `$` but never `'`, so neither compose nor a shell expands them.
    public static func generateEnvironmentLines() throws -> [String] {
        try ServiceName.allCases.flatMap { service -> [String] in
            let pair = try CurveKeyPair.generate()
            return ["\(service.environmentPrefix)_PUBLIC_KEY='\(pair.publicKey)'",
                    "\(service.environmentPrefix)_SECRET_KEY='\(pair.secretKey)'"]
        } + SecretKeyFile.all.map { "\($0.variable)='\(SecretKeyFile.generate())'" }
    }
}

/// A 256-bit key a process keeps data secret with (base64): from its variable, or its
/// file in `AR_KEYS_DIR` (written with the mesh keys by `gateway generate-keys`).
public struct SecretKeyFile: Sendable {
    public let variable: String
    public let fileName: String

    /// The gateway's key for data it must read back but keep secret at rest (TOTP secrets).
    public static let gatewayData = SecretKeyFile(variable: "AR_GATEWAY_DATA_KEY", fileName: "gateway-data.key")
    /// payments-service's key its payment-link tokens are derived with (a database alone
    /// cannot make or read a working link).
    public static let paymentLinks = SecretKeyFile(variable: "AR_PAYMENTS_LINK_KEY", fileName: "payments-link.key")
    /// Every one `gateway generate-keys` writes.
    public static let all = [gatewayData, paymentLinks]

    /// The key's 32 bytes; throws a message naming what is missing or malformed.
    public func load(environment: Environment) throws -> [UInt8] {
        var text = environment.string(variable, default: "")
        var source = variable
        if text.isEmpty {
            let directory = environment.string("AR_KEYS_DIR", default: "")
            guard !directory.isEmpty else { throw ConfigurationError("no key: set AR_KEYS_DIR or \(variable)") }
            let path = (directory as NSString).appendingPathComponent(fileName)
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError("cannot read \(path): create it with `gateway generate-keys \(directory)` or set \(variable)")
            }
            let mode = ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? 0
            guard mode & 0o077 == 0 else {
                throw ConfigurationError("\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
            }
            text = contents
            source = path
        }
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw ConfigurationError("\(source) is not 32 bytes in base64")
        }
        return Array(bytes)
    }

    /// A fresh key, base64.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
    }
}

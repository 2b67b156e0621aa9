import Contracts
import Foundation
import Logging
import Messaging
import ServiceKit
import ZMQ

/// `gateway bootstrap-owner`: creates the first owner from `AR_OWNER_EMAIL`,
/// `AR_OWNER_PASSWORD` and `AR_OWNER_NAME` (default "Owner") through the running identity
/// service. Prints the outcome on standard output (never the password); exits 0 when the
/// owner was created or users already exist.
enum OwnerBootstrap {
    static func run(environment: Environment) async throws -> Int32 {
        let request = BootstrapOwner(name: environment.string("AR_OWNER_NAME", default: "Owner"),
                                     email: try environment.required("AR_OWNER_EMAIL"),
                                     password: try environment.required("AR_OWNER_PASSWORD"))
        let keys = try MeshKeys.load(for: .gateway, environment: environment)
        let context = try ZMQContext()
        defer { context.terminate() }
        let client = try CommandClient(context: context, service: "gateway",
                                       endpoint: ServiceDirectory(environment: environment).commandEndpoint(.gateway),
                                       security: keys.client(to: .gateway), defaultTimeout: .seconds(10))
        defer { client.shutdown() }
        do {
            let owner = try await client.command(IdentityMessages.bootstrapOwner, request)
            FileHandle.standardOutput.write(Data("created owner \(owner.email)\n".utf8))
            return 0
        } catch let error as ErrorBody where error.code == .failedPrecondition {
            FileHandle.standardOutput.write(Data("users already exist\n".utf8))
            return 0
        }
    }
}

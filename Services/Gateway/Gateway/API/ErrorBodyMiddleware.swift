import Contracts
import Hummingbird

/// Gives the router's own errors (no such route, body too large) the API's error body.
struct ErrorBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound: throw ErrorBody.notFound("no such resource: \(request.method) \(request.uri.path)")
            case .contentTooLarge: throw ErrorBody(.payloadTooLarge, "the request body is too large")
            case .methodNotAllowed: throw ErrorBody.notFound("\(request.method) is not supported on \(request.uri.path)")
            default: throw error
            }
        }
    }
}

import Contracts
import Hummingbird
import HTTPTypes
import Threading

/// Gives the router's own errors the API's error body: a path that does not exist is
/// 404; a path that exists but not with this method is 405 with `Allow` listing the
/// methods it has; a body over the limit is 413.
struct ErrorBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                let allowed = routes.methods(for: request.uri.path)
                guard !allowed.isEmpty else { throw ErrorBody.notFound("no such resource: \(request.method) \(request.uri.path)") }
                var response = try ErrorBody(.methodNotAllowed, "\(request.method) is not supported on \(request.uri.path)")
                    .response(from: request, context: context)
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            case .contentTooLarge: throw ErrorBody(.payloadTooLarge, "the request body is too large")
            default: throw error
            }
        }
    }
}

/// Which methods each registered path pattern answers, filled in once every route is
/// registered (the middleware that reads it is added before the routes).
final class RouteMethods: Sendable {
    private let patterns = Locked([(segments: [Substring], methods: [String])]())

    func set(_ catalogue: [Routes.Entry]) {
        var byPath: [String: Set<String>] = [:]
        for entry in catalogue {
            byPath[entry.path, default: []].insert(entry.method.rawValue)
            if entry.method == .get { byPath[entry.path, default: []].insert("HEAD") }
        }
        let table = byPath.map { (segments: $0.key.split(separator: "/"), methods: $0.value.sorted()) }
        patterns.withLock { $0 = table }
    }

    /// The methods of the patterns `path` matches (`{name}` matches any one segment). As in
    /// the router, a literal segment wins over a parameter: `/contacts/merge` is not a
    /// `/contacts/{id}`, so only the most literal of the matching patterns count.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        let matching = patterns.withLock { patterns in
            patterns.filter { pattern in
                pattern.segments.count == segments.count
                    && zip(pattern.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }
        }
        let literals = { (pattern: (segments: [Substring], methods: [String])) in pattern.segments.filter { !$0.hasPrefix("{") }.count }
        let most = matching.map(literals).max() ?? 0
        return Set(matching.filter { literals($0) == most }.flatMap(\.methods)).sorted()
    }
}

import Dispatch

/// Lets a thread report how its start-up went (e.g. "socket bound at this endpoint") to
/// the thread that started it, which waits for the report.
public final class StartupGate<Value: Sendable>: Sendable {
    private let outcome = Locked<Result<Value, any Error>?>(nil)
    private let reported = DispatchSemaphore(value: 0)

    public init() {}

    /// Reports success (first report wins).
    public func succeed(_ value: Value) { report(.success(value)) }

    /// Reports failure (first report wins).
    public func fail(_ error: any Error) { report(.failure(error)) }

    private func report(_ result: Result<Value, any Error>) {
        let first = outcome.withLock { current -> Bool in
            guard current == nil else { return false }
            current = result
            return true
        }
        if first { reported.signal() }
    }

    /// Waits for the report; returns the value or throws the error.
    public func wait() throws -> Value {
        reported.wait()
        reported.signal()
        guard let result = outcome.withLock({ $0 }) else { preconditionFailure("signalled without an outcome") }
        return try result.get()
    }
}

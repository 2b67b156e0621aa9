import Foundation

/// A dedicated OS thread that can be joined: the home of sockets and database connections
/// that must stay on one thread for their whole life.
public final class JoinableThread: Sendable {
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `body` on a new thread named `name`.
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let finished = self.finished
        let thread = Thread {
            body()
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Waits until the thread's body has returned. Safe to call more than once.
    public func join() {
        finished.wait()
        finished.signal()
    }

    /// Waits at most `seconds`; returns whether the thread finished.
    public func join(timeoutSeconds seconds: Double) -> Bool {
        guard finished.wait(timeout: .now() + seconds) == .success else { return false }
        finished.signal()
        return true
    }
}

import Synchronization

/// A value shared between threads behind a mutex: a reference, so closures that run on
/// other threads can hold it.
public final class Locked<Value: ~Copyable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: consuming sending Value) { mutex = Mutex(value) }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        try mutex.withLock(body)
    }
}

extension Locked where Value: Copyable & Sendable {
    /// A copy of the current value.
    public var value: Value { mutex.withLock { $0 } }
}

/// A one-way flag that asks a loop on another thread to stop.
public final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    /// Whether `stop()` has been called.
    public var isStopped: Bool { flag.load(ordering: .acquiring) }
    /// Asks the loops watching this flag to finish.
    public func stop() { flag.store(true, ordering: .releasing) }
}

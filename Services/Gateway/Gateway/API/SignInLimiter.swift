import Contracts
import Foundation
import Threading

/// Sign-in attempts per client address, limited at the gateway before any work: a token
/// bucket of `burst` attempts, refilled at `perMinute`. An address over its limit gets
/// 429 at once; other addresses (the account's owner elsewhere) are not affected. The
/// identity service's own per-email-and-address count is the lasting second lock.
final class SignInLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let burst: Double
    let perMinute: Double
    private let buckets = Locked<[String: Bucket]>([:])

    init(burst: Int = 20, perMinute: Int = 20) {
        self.burst = Double(burst)
        self.perMinute = Double(perMinute)
    }

    /// Takes one attempt for `address`, or refuses with `too_many_requests`.
    func admit(_ address: String, now: Date = Date()) throws {
        let admitted = buckets.withLock { buckets -> Bool in
            if buckets.count > 10_000 { buckets = buckets.filter { refilled($0.value, now) < burst } }
            var bucket = buckets[address].map { Bucket(tokens: refilled($0, now), updated: now) }
                ?? Bucket(tokens: burst, updated: now)
            guard bucket.tokens >= 1 else {
                buckets[address] = bucket
                return false
            }
            bucket.tokens -= 1
            buckets[address] = bucket
            return true
        }
        guard admitted else {
            throw ErrorBody(.tooManyRequests, "too many sign-in attempts from this address; wait a minute and try again")
        }
    }

    private func refilled(_ bucket: Bucket, _ now: Date) -> Double {
        min(burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * perMinute / 60)
    }
}

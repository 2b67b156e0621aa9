import Contracts
import Foundation
import Threading

/// Requests of one kind per client address, limited at the gateway before any work: a
/// token bucket of `burst` requests, refilled at `perMinute`. An address over its limit
/// gets 429 at once; other addresses are not affected. Sign-in has one (the identity
/// service's per-email-and-address count is the lasting second lock), the payment portal
/// another (its token is its only credential).
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let burst: Double
    let perMinute: Double
    /// What a refused request is told.
    let refusal: String
    private let buckets = Locked<[String: Bucket]>([:])

    init(burst: Int, perMinute: Int, refusal: String) {
        self.burst = Double(burst)
        self.perMinute = Double(perMinute)
        self.refusal = refusal
    }

    /// Sign-in attempts: 20 at once, 20 a minute.
    static func signIn() -> RateLimiter {
        RateLimiter(burst: 20, perMinute: 20, refusal: "too many sign-in attempts from this address; wait a minute and try again")
    }

    /// Payment portal requests: 60 at once, 60 a minute (a payer needs a handful).
    static func portal() -> RateLimiter {
        RateLimiter(burst: 60, perMinute: 60, refusal: "too many payment page requests from this address; wait a minute and try again")
    }

    /// Takes one request for `address`, or refuses with `too_many_requests`.
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
            throw ErrorBody(.tooManyRequests, refusal)
        }
    }

    private func refilled(_ bucket: Bucket, _ now: Date) -> Double {
        min(burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * perMinute / 60)
    }
}

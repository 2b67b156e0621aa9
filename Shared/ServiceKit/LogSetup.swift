import Logging

/// Structured logs to standard error at `AR_LOG_LEVEL` (trace…critical, default info):
/// `2026-11-29T12:00:00+0000 info customer: key=value … message`.
public enum LogSetup {
    public static func bootstrap(environment: Environment) {
        let level = Logger.Level(rawValue: environment.string("AR_LOG_LEVEL", default: "info")) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

import Foundation
import Logging

/// When `AR_EXIT_WITH_PARENT` names the process that started this one (test harnesses
/// set it), this process exits as soon as that parent is gone, so a crashed test run
/// leaves no services behind holding ports.
public enum ParentWatch {
    public static func start(environment: Environment, logger: Logger) {
        guard let text = Int32(environment.string("AR_EXIT_WITH_PARENT", default: "")), text > 1 else { return }
        let parent = text
        let thread = Thread {
            while getppid() == parent { Thread.sleep(forTimeInterval: 0.5) }
            logger.warning("parent process \(parent) is gone; exiting")
            exit(0)
        }
        thread.name = "parent-watch"
        thread.start()
    }
}

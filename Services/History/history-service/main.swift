import HistoryService
import ServiceKit

try await ServiceMain.run(try HistoryService.definition())

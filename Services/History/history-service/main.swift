import HistoryService
import ServiceKit

await ServiceMain.run(try HistoryService.definition())

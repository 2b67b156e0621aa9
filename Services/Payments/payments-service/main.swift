import PaymentsService
import ServiceKit

await ServiceMain.run(try PaymentsService.definition())

import PaymentsService
import ServiceKit

try await ServiceMain.run(try PaymentsService.definition())

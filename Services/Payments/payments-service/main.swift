import PaymentsService
import ServiceKit

await ServiceMain.run { environment in try PaymentsService.definition(environment: environment) }

import CustomerService
import ServiceKit

await ServiceMain.run { environment in
    try CustomerService.definition(documentBytes: try DocumentLimits.maximumBytes(environment))
}

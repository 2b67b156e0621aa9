import CustomerService
import ServiceKit

try await ServiceMain.run(try CustomerService.definition())

import CustomerService
import ServiceKit

await ServiceMain.run(try CustomerService.definition())

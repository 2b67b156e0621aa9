import InvoiceService
import ServiceKit

try await ServiceMain.run(try InvoiceService.definition())

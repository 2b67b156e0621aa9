import InvoiceService
import ServiceKit

await ServiceMain.run(try InvoiceService.definition())

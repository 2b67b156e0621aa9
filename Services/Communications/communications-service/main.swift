import CommunicationsService
import ServiceKit

await ServiceMain.run(try CommunicationsService.definition())

import CommunicationsService
import ServiceKit

try await ServiceMain.run(try CommunicationsService.definition())

import Gateway

try await GatewayMain.run()

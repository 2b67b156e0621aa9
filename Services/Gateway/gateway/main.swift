import Gateway

await GatewayMain.run()

import ZMQ

/// `count` distinct TCP ports on loopback that are free right now: all are held at once
/// while they are chosen, so the kernel cannot hand out the same one twice.
public func freePorts(_ count: Int) throws -> [Int] {
    let context = try ZMQContext()
    defer { context.terminate() }
    var sockets: [ZMQSocket] = []
    defer { sockets.forEach { $0.close() } }
    var ports: [Int] = []
    for _ in 0..<count {
        let socket = try ZMQSocket(context, type: .router)
        sockets.append(socket)
        try socket.bind("tcp://127.0.0.1:*")
        ports.append(Int(try socket.lastEndpoint().split(separator: ":").last ?? "") ?? 0)
    }
    return ports
}

/// One TCP port on loopback that is free right now.
public func freePort() throws -> Int {
    try freePorts(1)[0]
}

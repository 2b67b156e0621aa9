import CZeroMQ

/// Runs libzmq's built-in proxy between `frontend` and `backend` on the calling thread
/// until `control` receives `TERMINATE` (or the context is terminated). Frames move
/// between the sockets inside libzmq, without copies into Swift.
public func zmqProxy(frontend: ZMQSocket, backend: ZMQSocket, control: ZMQSocket) throws(ZMQError) {
    let result = zmq_proxy_steerable(frontend.handle, backend.handle, nil, control.handle)
    if result != 0 {
        let error = ZMQError.fromErrno()
        if error != .contextTerminated { throw error }
    }
}

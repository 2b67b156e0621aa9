import Hummingbird
import Prometheus

/// `GET /metrics`: Prometheus text of the gateway's metrics — HTTP requests (Hummingbird's
/// MetricsMiddleware) and every call to a service by outcome (CommandClient).
struct MetricsRoutes {
    let registry: PrometheusCollectorRegistry

    func register(in routes: Routes) {
        let signedIn = routes.group(.signedIn)
        signedIn.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}

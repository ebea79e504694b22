import FieldsyncDelivery
import ServiceLifecycle

/// Delivery as a service: runs the current courier, and the next one when a reload
/// replaces it (the old one is stopped, its transfer in flight aborted and left
/// pending under the same key). Shutdown waits for the courier that is running.
struct DeliveryService: Service {
    let couriers: Handoff<Courier>

    func run() async {
        await withGracefulShutdownHandler {
            for await courier in couriers.values {
                guard let courier else { continue }
                await courier.run()
            }
        } onGracefulShutdown: { [couriers] in
            couriers.finish()?.stop()
        }
    }
}

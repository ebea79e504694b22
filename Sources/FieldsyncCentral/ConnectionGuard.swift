import NIOCore
import NIOHTTPTypes
import Synchronization

/// Holds central's connections to account: a request not wholly received within
/// `deadline` of its start is cut off — a client that drips a byte every few seconds
/// too, which an idle timeout alone would keep — and connections beyond a limit are
/// closed as they come, so that slow or many clients cannot use up the descriptors
/// that answer everyone else.
///
/// One per connection, after the HTTP decoder: the first request's clock starts when
/// the connection does (its head may be what drips), each later one's when the
/// previous response has been written.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The connections of one server, counted across its event loops.
    final class Count: Sendable {
        let limit: Int
        private let open = Atomic<Int>(0)

        init(limit: Int) { self.limit = limit }

        /// Counts a new connection; false (and not counted) when the limit is reached.
        func enter() -> Bool {
            let now = open.add(1, ordering: .relaxed).newValue
            if now <= limit { return true }
            open.subtract(1, ordering: .relaxed)
            return false
        }

        func leave() { open.subtract(1, ordering: .relaxed) }

        var current: Int { open.load(ordering: .relaxed) }
    }

    private let deadline: TimeAmount
    private let connections: Count
    private var counted = false
    private var timer: Scheduled<Void>?
    /// The current request has been received whole / answered whole. The clock runs
    /// whenever central waits on the client — for a request, or idle between requests,
    /// or for the rest of a body a handler answered early — and stops only while a
    /// request received whole is being answered.
    private var received = true
    private var answered = true

    init(deadline: TimeAmount, connections: Count) {
        self.deadline = deadline
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard connections.enter() else {
            context.close(promise: nil)
            return
        }
        counted = true
        arm(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        if counted {
            connections.leave()
            counted = false
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            (received, answered) = (false, false)
            if timer == nil { arm(context) }
        case .end:
            received = true
            // Answered already (before its body was in): waiting on the client again.
            if answered { arm(context) } else { disarm() }
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            answered = true
            // Idle until the next request, on a fresh clock; a request still arriving
            // keeps the clock it started with.
            if received { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: deadline) { channel.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}

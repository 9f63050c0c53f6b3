import NIOCore
import NIOHTTPTypes

/// Bounds what one client of the metrics endpoint may cost: `budget` to send a whole request, counted
/// from the moment it connects or from the end of our previous answer, and `bodyLimit` bytes of
/// request body. A client over either limit is disconnected. Idle connections, request lines
/// dribbled a byte at a time and endless bodies all end this way; the time we take to answer is not
/// counted against the client. (The request head's size is bounded by the HTTP decoder's limits.)
final class MetricsConnectionBudget: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let budget: TimeAmount
    private let bodyLimit: Int
    private var bodyBytes = 0
    private var deadline: Scheduled<Void>?

    init(budget: TimeAmount, bodyLimit: Int) {
        self.budget = budget
        self.bodyLimit = bodyLimit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startClock(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopClock()
    }

    func channelActive(context: ChannelHandlerContext) {
        startClock(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopClock()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            bodyBytes = 0
        case .body(let chunk):
            bodyBytes += chunk.readableBytes
            if bodyBytes > bodyLimit {
                context.close(promise: nil)
                return
            }
        case .end:
            // The whole request is in: from here on the time is ours.
            stopClock()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            // The answer is out: the next request, if any, has a budget of its own.
            startClock(context)
        }
        context.write(data, promise: promise)
    }

    private func startClock(_ context: ChannelHandlerContext) {
        stopClock()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: budget) {
            context.close(promise: nil)
        }
    }

    private func stopClock() {
        deadline?.cancel()
        deadline = nil
    }
}

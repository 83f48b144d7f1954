import NIOCore

extension Channel {
    /// Completes once everything written to the channel so far has been handed to the socket.
    func writesCompleted() async throws {
        try await eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            do {
                let head = try self.pipeline.syncOperations.context(handlerType: ByteToMessageHandler<LineFrameDecoder>.self)
                let promise = self.eventLoop.makePromise(of: Void.self)
                head.writeAndFlush(NIOAny(ByteBuffer()), promise: promise)
                return promise.futureResult
            } catch {
                return self.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }
}

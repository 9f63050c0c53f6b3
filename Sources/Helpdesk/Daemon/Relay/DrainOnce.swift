/// `helpdeskd run --once`: drains the mailbox and the outbox, then returns.
///
/// The relay sends while the poller still takes mail, as in the daemon: the first answers leave
/// seconds after the start, not after the whole mailbox was read. The relay ends once the poller is
/// done and no answer is due (retries not yet due are left for the next run).
public func drainOnce(poller: MailboxPoller, relay: OutboxRelay, wakeups: Wakeups) async throws {
    async let delivered: Void = relay.run()
    do {
        try await poller.run()
    } catch {
        wakeups.markPollerFinished()
        try? await delivered
        throw error
    }
    wakeups.markPollerFinished()
    try await delivered
}

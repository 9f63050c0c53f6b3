/// `helpdeskd run --once`: drains the mailbox and the outbox, then returns.
///
/// The relay sends while the poller still takes mail, as in the daemon: the first answers leave
/// seconds after the start, not after the whole mailbox was read. The relay ends once the poller is
/// done and no answer is due (retries not yet due are left for the next run).
public func drainOnce(poller: MailboxPoller, relay: OutboxRelay, wakeups: Wakeups) async throws {
    try await drainOnce(pollers: [poller], relay: relay, wakeups: wakeups)
}

/// `helpdeskd run --once` with several mailboxes: their pollers drain them side by side, the relay ends once
/// all of them are done. The first poller's error, if any, is thrown after the others finished.
public func drainOnce(pollers: [MailboxPoller], relay: OutboxRelay, wakeups: Wakeups) async throws {
    async let delivered: Void = relay.run()
    let failure: (any Error)? = await withTaskGroup(of: (any Error)?.self) { group in
        for poller in pollers {
            group.addTask {
                do {
                    try await poller.run()
                    return nil
                } catch {
                    return error
                }
            }
        }
        var first: (any Error)? = nil
        for await error in group where first == nil { first = error }
        return first
    }
    wakeups.markPollerFinished()
    if let failure {
        try? await delivered
        throw failure
    }
    try await delivered
}

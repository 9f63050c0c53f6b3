import CMalloc

/// The poller's wait between two polls: until the poll interval has passed, or — with IMAP IDLE — until the
/// server announces new mail. IDLE is only a hint to look now; the regular polls stay the source of truth, and
/// a server without IDLE is simply polled. After a burst of mail, once none has come for `restAfter`, the wait
/// gives back the memory the burst left cached (`rest`).
///
/// Concurrency: async, on the poller's loop. Each IDLE step blocks the poller's `Lane` (it holds the watcher's
/// connection) for at most `idleStep`; sleeps are cancellable and end early on graceful shutdown.
struct IdleWaiter {
    let poller: MailboxPoller
    let lane: Lane<MailboxCycle>

    /// One IDLE wait at most this long: IDLE blocks the poller's lane, so this bounds how late a shutdown is
    /// noticed (systemd allows 60 s) and how long the watchdog goes without a beat.
    static let idleStep: Duration = .seconds(15)
    /// After IDLE failed (a dropped connection), poll plainly this long before trying it again.
    static let idlePause: Duration = .seconds(60)

    /// Until the poll interval has passed, or — with IDLE — until the server announces new mail.
    func waitForNextPoll() async {
        let current = poller.contexts.current.configuration
        let imap = (poller.reading(current) ?? current).imap
        let deadline = ContinuousClock.now + .seconds(imap.pollInterval)
        await restIfDue()
        let idlePaused = (try? await lane.run { $0.idlePaused }) ?? true
        guard imap.idle, poller.watch != nil, !idlePaused else {
            if let due = (try? await lane.run { $0.restDue }) ?? nil, due < deadline {
                try? await sleep(due - ContinuousClock.now)
                await restIfDue()
            }
            try? await sleep(deadline - ContinuousClock.now)
            return
        }
        while !poller.stopping.isSet, !Task.isCancelled {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return }
            poller.pollerAlive()
            do {
                let restDue = try await lane.run { $0.restDue }
                let untilRest = restDue.map { max($0 - ContinuousClock.now, .milliseconds(1)) } ?? left
                let step = min(left, Self.idleStep, untilRest)
                if try await lane.run({ try $0.waitForMail(timeout: step) }) { return }
                await restIfDue()
            } catch is WatchUnsupported {
                poller.logger.notice("the IMAP server does not offer IDLE; polling every poll_interval")
                try? await lane.run { $0.disableIdle() }
                try? await sleep(deadline - ContinuousClock.now)
                return
            } catch {
                // Only a hint failed: poll on the interval for a while, then try IDLE again.
                poller.logger.warning(
                    "IMAP IDLE failed; polling every poll_interval for now",
                    metadata: ["error": "\(MailboxPoller.describe(error))"])
                try? await lane.run { $0.pauseIdle(for: Self.idlePause) }
                try? await sleep(deadline - ContinuousClock.now)
                return
            }
        }
    }

    /// After a burst of mail, the connections' caches and the allocator's free pages hold memory the quiet
    /// daemon does not need: once no mail has come for `restAfter`, give it back to the system. Resting
    /// costs a few milliseconds (statements are prepared again at the next email), so only once per burst.
    func restIfDue() async {
        let rested = try? await lane.run { cycle -> Bool in
            guard let due = cycle.restDue, due <= .now else { return false }
            cycle.releaseMemory()
            // The allocator keeps freed pages for reuse; give back those the burst no longer uses.
            malloc_trim(0)
            return true
        }
        if rested == true { poller.logger.debug("no new mail for a while; cached memory given back") }
    }

    /// A cancellable sleep that also ends early on graceful shutdown, beating the watchdog as it goes.
    func sleep(_ duration: Duration) async throws {
        let step: Duration = .milliseconds(250)
        var left = duration
        while left > .zero, !poller.stopping.isSet {
            poller.pollerAlive()
            try await Task.sleep(for: min(step, left))
            left -= step
        }
    }
}

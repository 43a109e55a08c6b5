import Glibc

/// `poll_oneoff`: clock subscriptions become a timeout, descriptor subscriptions a host
/// `poll`. Regular files are always ready; a bad descriptor is reported in its event.
extension WASI {
    public func pollOneoff(memory: GuestMemory, in input: GuestPointer<Subscription>, out: GuestPointer<Event>,
                           nsubscriptions: Size) throws -> Size {
        guard nsubscriptions > 0 else { throw Errno.inval }
        _ = try memory.check(input.address, UInt64(nsubscriptions) * UInt64(Subscription.guestSize))
        _ = try memory.check(out.address, UInt64(nsubscriptions) * UInt64(Event.guestSize))
        var subscriptions: [Subscription] = []
        for i in 0..<nsubscriptions { subscriptions.append(try input[i].load(from: memory)) }

        var events: [Event] = []
        var deadline: (clock: clockid_t, at: UInt64)?   // the earliest clock deadline
        var clockDeadlines: [(index: Int, clock: clockid_t, at: UInt64)] = []
        var polled: [(index: Int, host: pollfd)] = []

        for (index, subscription) in subscriptions.enumerated() {
            switch subscription.u {
            case .clock(let clock):
                let hostClock = clock.id.hostClock
                var now = timespec()
                clock_gettime(hostClock, &now)
                let at = clock.flags.contains(.subscriptionClockAbstime) ? clock.timeout : now.nanoseconds &+ clock.timeout
                clockDeadlines.append((index, hostClock, at))
                let remaining = at > now.nanoseconds ? at - now.nanoseconds : 0
                if deadline == nil || remaining < deadline!.at { deadline = (hostClock, remaining) }
            case .fdRead(let sub), .fdWrite(let sub):
                let isRead = subscription.u.tag == .fdRead
                guard let entry = files[sub.fileDescriptor] else {
                    events.append(fdEvent(subscription, error: .badf))
                    continue
                }
                if !entry.rightsBase.contains(isRead ? .fdRead : .fdWrite) {
                    events.append(fdEvent(subscription, error: .notcapable))
                    continue
                }
                if entry.type == .regularFile {
                    events.append(fdEvent(subscription, error: .success, nbytes: isRead ? bytesAhead(entry.hostFD) : 0))
                    continue
                }
                polled.append((index, pollfd(fd: entry.hostFD, events: Int16(isRead ? POLLIN : POLLOUT), revents: 0)))
            }
        }

        // Wait only when nothing is ready yet.
        var timeout: Int32 = events.isEmpty ? -1 : 0
        if events.isEmpty, let deadline {
            timeout = Int32(clamping: (deadline.at + 999_999) / 1_000_000)
        }
        if !polled.isEmpty {
            var fds = polled.map(\.host)
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 && errno != EINTR { throw Errno.last }
            for (i, item) in polled.enumerated() where fds[i].revents != 0 {
                let subscription = subscriptions[item.index]
                let hangup = fds[i].revents & Int16(POLLHUP) != 0
                let error: Errno = fds[i].revents & Int16(POLLNVAL) != 0 ? .badf : .success
                events.append(fdEvent(subscription, error: error, hangup: hangup))
            }
        } else if events.isEmpty, deadline != nil {
            // Only clocks: sleep until the earliest one.
            let earliest = clockDeadlines.min { $0.at < $1.at }!
            var until = timespec(nanoseconds: earliest.at)
            while clock_nanosleep(earliest.clock, TIMER_ABSTIME, &until, nil) == EINTR {}
        }
        var fired = clockDeadlines.filter { item in
            var now = timespec()
            clock_gettime(item.clock, &now)
            return now.nanoseconds >= item.at
        }
        if events.isEmpty && fired.isEmpty, let earliest = clockDeadlines.min(by: { $0.at < $1.at }) { fired = [earliest] }
        for item in fired {
            events.append(Event(userdata: subscriptions[item.index].userdata, error: .success, type: .clock,
                                fdReadwrite: EventFdReadwrite(nbytes: 0, flags: [])))
        }
        for (i, event) in events.enumerated() { try out[UInt32(i)].store(event, to: memory) }
        return Size(events.count)
    }

    private func fdEvent(_ subscription: Subscription, error: Errno, nbytes: Filesize = 0, hangup: Bool = false) -> Event {
        Event(userdata: subscription.userdata, error: error, type: subscription.u.tag == .fdRead ? .fdRead : .fdWrite,
              fdReadwrite: EventFdReadwrite(nbytes: nbytes, flags: hangup ? .fdReadwriteHangup : []))
    }

    /// Bytes between a file's offset and its end.
    private func bytesAhead(_ fd: Int32) -> Filesize {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return 0 }
        let position = lseek(fd, 0, SEEK_CUR)
        return position >= 0 && st.st_size > position ? Filesize(st.st_size - position) : 0
    }
}

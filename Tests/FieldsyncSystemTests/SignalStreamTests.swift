@testable import FieldsyncSystem
import FieldsyncTesting
import Foundation
import Glibc
import XCTest

/// Real signals sent to the test process itself: if handling failed, the default
/// action would end the test run, which is the failure.
final class SignalStreamTests: XCTestCase {
    private func disposition(_ signal: Int32) -> Int {
        var action = sigaction()
        sigaction(signal, nil, &action)
        return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self)
    }

    private let defaultAction = unsafeBitCast(SIG_DFL, to: Int.self)
    private let ignored = unsafeBitCast(SIG_IGN, to: Int.self)

    /// The order `main` uses: ignore SIGHUP first, then take it over with the stream;
    /// a late second call must not undo the takeover.
    func testHangupIsIgnoredAtStartupThenDeliveredToTheStream() async {
        let before = disposition(SIGHUP)
        SignalStream.ignoreHangupAtStartup()
        if before == defaultAction {
            XCTAssertEqual(disposition(SIGHUP), ignored)
        }
        kill(getpid(), SIGHUP)  // survives: ignored (or caught, if an earlier test did)

        let stream = SignalStream()
        defer { stream.cancel() }
        XCTAssertNotEqual(disposition(SIGHUP), ignored)
        XCTAssertNotEqual(disposition(SIGHUP), defaultAction)
        SignalStream.ignoreHangupAtStartup()
        XCTAssertNotEqual(disposition(SIGHUP), ignored, "a late call must leave the handler alone")

        let received = EventCollector.collecting(stream.signals)
        XCTAssertEqual(kill(getpid(), SIGHUP), 0)
        let seen = await received.wait { signals, _ in signals.contains(SIGHUP) }
        XCTAssertTrue(seen, "SIGHUP not delivered")
    }

    func testTerminateAndInterruptAreDeliveredInsteadOfKilling() async {
        let stream = SignalStream([SIGTERM, SIGINT, SIGUSR1])
        defer { stream.cancel() }
        let received = EventCollector.collecting(stream.signals)

        for signal in [SIGUSR1, SIGTERM, SIGINT] {
            XCTAssertEqual(kill(getpid(), signal), 0)
            let seen = await received.wait { signals, _ in signals.contains(signal) }
            XCTAssertTrue(seen, "signal \(signal) not delivered")
        }
        let all = await received.received
        XCTAssertEqual(all, [SIGUSR1, SIGTERM, SIGINT])
    }

    /// A signal raised right after `init` returns is never lost (libdispatch's
    /// asynchronous registration lost exactly this), and streams can be made again
    /// after others were cancelled.
    func testSignalRightAfterCreationIsDeliveredEveryTime() async {
        for round in 0 ..< 20 {
            let stream = SignalStream([SIGUSR2])
            XCTAssertEqual(kill(getpid(), SIGUSR2), 0)
            var iterator = stream.signals.makeAsyncIterator()
            let first = await iterator.next()
            XCTAssertEqual(first, SIGUSR2, "round \(round)")
            stream.cancel()
        }
    }

    func testOnlySubscribedStreamsReceive() async {
        let hangups = SignalStream([SIGHUP])
        let users = SignalStream([SIGUSR1])
        defer { hangups.cancel(); users.cancel() }
        let receivedHangups = EventCollector.collecting(hangups.signals)
        let receivedUsers = EventCollector.collecting(users.signals)

        kill(getpid(), SIGUSR1)
        var seen = await receivedUsers.wait { signals, _ in signals == [SIGUSR1] }
        XCTAssertTrue(seen)
        kill(getpid(), SIGHUP)
        seen = await receivedHangups.wait { signals, _ in signals == [SIGHUP] }
        XCTAssertTrue(seen)
        // The relay handles bytes in order: SIGUSR1 went out before SIGHUP arrived.
        let users1 = await receivedUsers.received
        XCTAssertEqual(users1, [SIGUSR1])
    }

    func testCancelEndsTheStream() async {
        let stream = SignalStream([SIGUSR2])
        let received = EventCollector.collecting(stream.signals)
        stream.cancel()
        let finished = await received.waitForFinish()
        XCTAssertTrue(finished)
        kill(getpid(), SIGUSR2)  // still caught, now dropped: the process survives
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import GLPKBackend

/// A deadline in seconds on a `Stopwatch` that may move while a search runs:
/// the scheduler gives a running job the rest of the time once no other job
/// waits for a core.
final class MovableDeadline: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double

    init(_ value: Double) { self.value = value }

    var seconds: Double {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func move(to value: Double) {
        lock.lock()
        self.value = value
        lock.unlock()
    }
}

/// Cores that no job uses once every job has started and none waits for a
/// core: a running job may borrow one for a thread of its own (`claim`) and
/// gives it back (`release`). The scheduler sets how many there are.
final class SpareCores: @unchecked Sendable {
    private let lock = NSLock()
    private var available = 0
    private var claimed = 0

    init() {}

    func set(available count: Int) {
        lock.lock()
        available = count
        lock.unlock()
    }

    /// True when a core is free to claim now.
    var any: Bool {
        lock.lock()
        defer { lock.unlock() }
        return available - claimed > 0
    }

    /// Takes a free core; false when there is none.
    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard available - claimed > 0 else { return false }
        claimed += 1
        return true
    }

    func release() {
        lock.lock()
        claimed -= 1
        lock.unlock()
    }
}

/// A value that several threads read and change, always under its lock.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// Runs resumable jobs, at most `workers` at a time, each on a thread of its
/// own, so that what a job keeps between its slices (a GLPK master: GLPK's
/// state is thread-local) stays on the thread that made it while any free
/// core may run it next.
///
/// A job runs in slices. Every job gets a first slice, in order; once none
/// is left to start, a core that comes free resumes the job that has waited
/// longest. With a time limit, each slice ends at a deadline:
/// - a first slice gets its size's share of the time left, over the sizes of
///   the jobs not yet started, times the number of workers;
/// - a later slice gets its size's share over the jobs waiting or running,
///   times the number of workers (at most all the time left);
/// - once no job waits, every running job may use all the time left, and
///   the cores that none of them holds are offered as `spare`.
/// Without a time limit a slice has no deadline (the job should then settle
/// in one slice), and no job is resumed after `shouldStop` or the limit.
struct SliceScheduler {
    let workers: Int
    let sizes: [Double]
    let timeLimit: Double?
    let clock: Stopwatch
    let shouldStop: @Sendable () -> Bool
    /// With a time limit, once every job has started and none waits, the
    /// cores of `cores` that no running job holds are offered here.
    var spare: (cores: Int, pool: SpareCores)?

    /// What a job's thread receives from the scheduler.
    final class Slices: @unchecked Sendable {
        fileprivate let go = DispatchSemaphore(value: 0)
        fileprivate var grant: MovableDeadline??
        fileprivate let index: Int
        fileprivate let hub: Hub

        fileprivate init(index: Int, hub: Hub) {
            self.index = index
            self.hub = hub
        }

        /// Blocks until the next slice: `.some(deadline)` (the deadline nil
        /// when there is no time limit), or nil when the job must end.
        func next() -> MovableDeadline?? {
            go.wait()
            return grant
        }

        /// Ends the current slice; `settled` when the job has nothing left to do.
        func end(settled: Bool) {
            hub.post(index, settled: settled)
        }
    }

    fileprivate final class Hub: @unchecked Sendable {
        let lock = NSLock()
        let event = DispatchSemaphore(value: 0)
        var reports: [(index: Int, settled: Bool)] = []

        func post(_ index: Int, settled: Bool) {
            lock.lock()
            reports.append((index, settled))
            lock.unlock()
            event.signal()
        }

        func take() -> [(index: Int, settled: Bool)] {
            lock.lock()
            defer { lock.unlock() }
            let taken = reports
            reports = []
            return taken
        }
    }

    /// Runs `job(index)` once for every job, each in one slice on a thread of
    /// its own (no deadline: the job keeps its own time).
    func runOnce(_ job: @escaping @Sendable (Int) -> Void) {
        run { index, slices in
            while slices.next() != nil {
                job(index)
                slices.end(settled: true)
            }
        }
    }

    /// Runs `job(index, slices)` for every job on a thread of its own; the job
    /// loops on `slices.next()`, ends each slice with `slices.end(settled:)`,
    /// and returns when `next()` gives nil. Returns when every job has returned.
    func run(_ job: @escaping @Sendable (Int, Slices) -> Void) {
        let count = sizes.count
        guard count > 0 else { return }
        let hub = Hub()
        let channels = (0..<count).map { Slices(index: $0, hub: hub) }
        let returned = DispatchSemaphore(value: 0)
        // A job's thread starts with its first slice and ends as soon as the job
        // is settled, so that only running and waiting jobs hold one.
        var started = 0
        func start(_ index: Int) {
            let channel = channels[index]
            let thread = Thread {
                job(index, channel)
                GLPKSolver.releaseThreadEnvironment()
                returned.signal()
            }
            thread.stackSize = 16 << 20
            thread.start()
            started += 1
        }
        func finish(_ index: Int) {
            channels[index].grant = nil
            channels[index].go.signal()
        }

        var running: [Int: MovableDeadline?] = [:]
        var waiting: [Int] = []
        var next = 0
        func grant(_ index: Int, until seconds: Double?) {
            let deadline = seconds.map { MovableDeadline($0) }
            running[index] = deadline
            channels[index].grant = .some(deadline)
            channels[index].go.signal()
        }
        while true {
            while running.count < max(1, workers) {
                let now = clock.seconds
                if next < count {
                    let until = timeLimit.map { limit -> Double in
                        let left = max(0, limit - now)
                        let unstarted = sizes[next...].reduce(0, +)
                        return now + min(left, Double(workers) * left * sizes[next] / max(unstarted, 1e-9))
                    }
                    start(next)
                    grant(next, until: until)
                    next += 1
                } else if let limit = timeLimit, !waiting.isEmpty, !shouldStop(), limit - now > 0.05 {
                    let index = waiting.removeFirst()
                    let pending = (waiting + Array(running.keys)).reduce(sizes[index]) { $0 + sizes[$1] }
                    let left = limit - now
                    grant(index, until: now + left * min(1, Double(workers) * sizes[index] / max(pending, 1e-9)))
                } else {
                    break
                }
            }
            if running.isEmpty { break }
            if next == count && waiting.isEmpty, let limit = timeLimit {
                for case let deadline? in running.values { deadline.move(to: limit) }
                spare?.pool.set(available: max(0, (spare?.cores ?? 0) - running.count))
            } else {
                spare?.pool.set(available: 0)
            }
            hub.event.wait()
            for report in hub.take() {
                running[report.index] = nil
                if report.settled { finish(report.index) } else { waiting.append(report.index) }
            }
        }
        spare?.pool.set(available: 0)
        for index in waiting { finish(index) }
        for _ in 0..<started { returned.wait() }
    }
}

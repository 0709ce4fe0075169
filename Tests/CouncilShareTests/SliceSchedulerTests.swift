// SPDX-License-Identifier: GPL-3.0-or-later
// The scheduler that runs the parts of a solve: each part keeps one thread
// across its slices (its GLPK master lives there), at most `workers` run at
// once, a free core resumes a waiting part, and once nothing waits a running
// part may use all the time left.
import Foundation
import GLPKBackend
import LinearModel
import Testing
@testable import CouncilShare

/// What the jobs of one `SliceScheduler.run` saw, recorded under a lock.
private final class Record: @unchecked Sendable {
    let lock = NSLock()
    /// Slices that ran on a thread that was not their job's own: at a job's
    /// first slice the thread must be fresh (no job's mark), later it must
    /// carry the job's mark.
    var foreignThreads = 0
    var slices: [Int: [Double?]] = [:]
    var running = 0
    var mostRunning = 0

    func begin(_ job: Int, deadline: Double?) {
        let mark = Thread.current.threadDictionary["sliceJob"] as? Int
        lock.lock()
        if slices[job] == nil {
            if mark != nil { foreignThreads += 1 }
            Thread.current.threadDictionary["sliceJob"] = job
        } else if mark != job {
            foreignThreads += 1
        }
        slices[job, default: []].append(deadline)
        running += 1
        mostRunning = max(mostRunning, running)
        lock.unlock()
    }

    func finish() {
        lock.lock()
        running -= 1
        lock.unlock()
    }
}

@Suite("Slices of resumable parts on their own threads")
struct SliceSchedulerTests {
    @Test("each job keeps its thread across slices, at most two run at once, every job settles")
    func threadsAndSlices() {
        let record = Record()
        let needed = [3, 1, 4, 1, 5, 2]  // slices each job needs to settle
        let scheduler = SliceScheduler(workers: 2, sizes: needed.map { _ in 1 }, timeLimit: 600, clock: Stopwatch(),
                                       shouldStop: { false })
        scheduler.run { job, slices in
            var done = 0
            while let deadline = slices.next() {
                record.begin(job, deadline: deadline?.seconds)
                usleep(2000)
                done += 1
                record.finish()
                slices.end(settled: done == needed[job])
            }
        }
        for job in needed.indices {
            #expect(record.slices[job]?.count == needed[job], "job \(job)")
            #expect(record.slices[job]?.allSatisfy { $0 != nil && $0! <= 600 } == true)
        }
        #expect(record.foreignThreads == 0, "each job runs on a thread of its own, the same for all its slices")
        #expect(record.mostRunning <= 2)
        #expect(record.mostRunning == 2, "two cores were used")
    }

    @Test("without a time limit every job gets one slice with no deadline")
    func noLimit() {
        let record = Record()
        let scheduler = SliceScheduler(workers: 2, sizes: [5, 1, 3], timeLimit: nil, clock: Stopwatch(),
                                       shouldStop: { false })
        scheduler.run { job, slices in
            while let deadline = slices.next() {
                record.begin(job, deadline: deadline?.seconds)
                record.finish()
                slices.end(settled: true)
            }
        }
        #expect(record.slices.count == 3)
        for job in 0..<3 { #expect(record.slices[job]?.count == 1 && record.slices[job]?[0] == nil) }
    }

    @Test("once no job waits, the running job's deadline moves to the time limit")
    func deadlineMoves() {
        let limit = 600.0
        final class Seen: @unchecked Sendable { var first: Double?; var moved: Double? }
        let seen = Seen()
        let clock = Stopwatch()
        // Four equal jobs on two cores: job 1's first slice ends at 2/3 of the
        // limit (two of three unstarted jobs' share); the others settle at
        // once, and when the last has started and none waits, job 1 may run
        // to the limit.
        let scheduler = SliceScheduler(workers: 2, sizes: [1, 1, 1, 1], timeLimit: limit, clock: clock,
                                       shouldStop: { false })
        let firstSeen = DispatchSemaphore(value: 0)
        scheduler.run { job, slices in
            while let deadline = slices.next() {
                if job == 0 { firstSeen.wait() }  // job 1 reads its first deadline before anything settles
                if job == 1 {
                    seen.first = deadline?.seconds
                    firstSeen.signal()
                    // Waits (at most 20 s) for the scheduler to move the deadline.
                    while let current = deadline?.seconds, current < limit, clock.seconds < 20 { usleep(1000) }
                    seen.moved = deadline?.seconds
                }
                slices.end(settled: true)
            }
        }
        #expect(seen.first != nil && seen.first! < limit)
        #expect(seen.moved == limit)
    }

    @Test("jobs that never settle are resumed until the time limit, never beyond")
    func resumedUntilLimit() {
        let record = Record()
        let clock = Stopwatch()
        let limit = 0.4
        let scheduler = SliceScheduler(workers: 2, sizes: [1, 2, 3], timeLimit: limit, clock: clock,
                                       shouldStop: { false })
        scheduler.run { job, slices in
            while let deadline = slices.next() {
                record.begin(job, deadline: deadline?.seconds)
                while let until = deadline?.seconds, clock.seconds < until { usleep(1000) }
                record.finish()
                slices.end(settled: false)
            }
        }
        let all = record.slices.values.flatMap { $0 }
        #expect(record.slices.count == 3, "every job got a first slice")
        #expect(all.allSatisfy { $0 != nil && $0! <= limit + 1e-9 })
        #expect(all.count > 3, "some job was resumed")
        #expect(record.mostRunning <= 2)
    }

    @Test("a thread's GLPK environment is freed only when no GLPK object is left on it")
    func environmentRelease() {
        final class Result: @unchecked Sendable { var blocks: [Int] = []; var released: [Bool] = []; var value = 0.0 }
        let result = Result()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var model = LinearModel(name: "env", sense: .maximize)
            let row = model.addConstraint(name: "cap", upper: 4)
            model.addVariable(name: "x", lower: 0, upper: 10, isInteger: false, objective: 1,
                              column: [.init(row: row, coefficient: 1)])
            var solver: GLPKSolver? = GLPKSolver(model: model)
            result.blocks.append(GLPKSolver.threadMemoryBlocks)
            result.released.append(GLPKSolver.releaseThreadEnvironment())  // an object is alive: kept
            result.value = solver!.solveRelaxation().objective
            solver = nil
            result.blocks.append(GLPKSolver.threadMemoryBlocks)
            result.released.append(GLPKSolver.releaseThreadEnvironment())
            // GLPK works again on the same thread afterwards.
            let again = GLPKSolver(model: model)
            result.value += again.solveRelaxation().objective
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(result.blocks.count == 2 && result.blocks[0] > 0 && result.blocks[1] == 0)
        #expect(result.released == [false, true])
        #expect(abs(result.value - 8) < 1e-9)
    }
}

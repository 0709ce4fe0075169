// SPDX-License-Identifier: GPL-3.0-or-later
import CouncilShare
import Synchronization

/// The `frontier` progress bar on stderr: points done of all, elapsed time,
/// the last point's saving, and what the search is doing now.
final class FrontierProgressBar: Sendable {
    let printer: ProgressPrinter
    private struct State {
        var done = 0
        var total: Int?
        var last: (limit: Int, saving: Double)?
    }
    private let state = Mutex(State())

    init(printer: ProgressPrinter) { self.printer = printer }

    /// A point is done: always shown.
    func finished(_ progress: FrontierProgress) {
        state.withLock {
            $0.done = progress.done
            $0.total = progress.total
            $0.last = (progress.point.groupLimit, progress.point.plan.totalSaving)
        }
        _ = printer.isDue(at: progress.elapsed, always: true)
        printer.write(line(elapsed: progress.elapsed, stage: nil))
    }

    /// The search inside a point reports: shown when a line is due.
    func report(_ progress: SolveProgress) {
        guard printer.isDue(at: progress.elapsed) else { return }
        printer.write(line(elapsed: progress.elapsed, stage: progress.stage))
    }

    private func line(elapsed: Double, stage: String?) -> String {
        let now = state.withLock { $0 }
        let width = 20
        var text: String
        if let total = now.total {
            let filled = total > 0 ? now.done * width / total : 0
            text = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                + "] \(now.done)/\(total) points"
        } else {
            text = "[" + String(repeating: ".", count: width) + "] max saving first"
        }
        text += " | \(PlanTable.fixed(elapsed, 1)) s"
        if let last = now.last { text += " | k = \(last.limit): \(PlanTable.gbp(last.saving))" }
        if let stage { text += " | \(stage)" }
        return text
    }
}

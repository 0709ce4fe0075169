// SPDX-License-Identifier: GPL-3.0-or-later
import CouncilShare
import Synchronization

/// The `frontier` progress bar on stderr: group-limited solves done of all,
/// elapsed time, the last one's saving, and what the search is doing now.
final class FrontierProgressBar: Sendable {
    let printer: ProgressPrinter
    private let last = Mutex<FrontierProgress?>(nil)

    init(printer: ProgressPrinter) { self.printer = printer }

    /// A group-limited solve is done: always shown.
    func finished(_ progress: FrontierProgress) {
        last.withLock { $0 = progress }
        _ = printer.isDue(at: progress.elapsed, always: true)
        printer.write(line(elapsed: progress.elapsed, stage: nil))
    }

    /// The search reports: shown when a line is due.
    func report(_ progress: SolveProgress) {
        guard printer.isDue(at: progress.elapsed) else { return }
        printer.write(line(elapsed: progress.elapsed, stage: progress.stage))
    }

    private func line(elapsed: Double, stage: String?) -> String {
        let width = 20
        var text: String
        if let done = last.withLock({ $0 }) {
            let filled = done.total > 0 ? done.done * width / done.total : width
            text = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                + "] \(done.done)/\(done.total) solves | \(PlanTable.fixed(elapsed, 1)) s | \(stage ?? done.stage)"
            if stage == nil, let saving = done.saving { text += ": \(PlanTable.gbp(saving))" }
        } else {
            text = "[" + String(repeating: ".", count: width) + "] max saving first | \(PlanTable.fixed(elapsed, 1)) s"
            if let stage { text += " | \(stage)" }
        }
        return text
    }
}

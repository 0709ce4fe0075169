// SPDX-License-Identifier: GPL-3.0-or-later
import CouncilShare
import Foundation
import Synchronization

/// Progress on stderr: one rewritten line on a terminal, a line every five seconds otherwise.
final class ProgressPrinter: Sendable {
    let terminal: Bool
    private let last = Mutex<Double>(-1)

    init(terminal: Bool) { self.terminal = terminal }

    static func make(forced: Bool) -> ProgressPrinter? {
        let terminal = isatty(STDERR_FILENO) == 1
        guard terminal || forced else { return nil }
        return ProgressPrinter(terminal: terminal)
    }

    /// True when a line is due (every 0.2 s on a terminal, 5 s otherwise, or
    /// whenever `always`); the line is then counted as shown.
    func isDue(at elapsed: Double, always: Bool = false) -> Bool {
        last.withLock { previous -> Bool in
            if !always && elapsed - previous < (terminal ? 0.2 : 5.0) { return false }
            previous = elapsed
            return true
        }
    }

    func report(_ progress: SolveProgress) {
        guard isDue(at: progress.elapsed) else { return }
        var text = "[\(PlanTable.fixed(progress.elapsed, 1)) s] \(progress.stage)"
        if let incumbent = progress.incumbent { text += " | best \(PlanTable.gbp(incumbent))" }
        if let bound = progress.bound { text += " | bound \(PlanTable.gbp(bound))" }
        if let incumbent = progress.incumbent, let bound = progress.bound {
            text += " | gap \(PlanTable.percent(max(0, bound - incumbent) / max(1, abs(bound)), digits: 3))"
        }
        write(text)
    }

    /// Writes one line: rewritten in place on a terminal, appended otherwise.
    func write(_ text: String) {
        if terminal {
            let width = 150
            let line = text.count > width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
            FileHandle.standardError.write(Data(("\r" + line).utf8))
        } else {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 150) + "\r").utf8)) }
    }
}

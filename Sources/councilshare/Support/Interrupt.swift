// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Synchronization

/// Ctrl-C: the first press asks the search to stop and keep its best plan;
/// a second press ends the program at once.
enum Interrupt {
    static let requested = Atomic<Bool>(false)

    static func install() {
        signal(SIGINT) { _ in
            if Interrupt.requested.load(ordering: .relaxed) { _exit(130) }
            Interrupt.requested.store(true, ordering: .relaxed)
        }
    }

    static var wasRequested: Bool { requested.load(ordering: .relaxed) }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-score a plan against MODEL.md and say which rules it breaks.",
        discussion: "Exit codes: 0 the plan keeps every rule, 5 it breaks one, 2 invalid input.")

    @Argument(help: "The instance file.")
    var instance: String

    @Argument(help: "The plan JSON to check.")
    var plan: String

    @OptionGroup var target: TargetOptions

    func run() throws {
        var (_, problem) = try InstanceLoader.load(instance)
        target.apply(to: &problem)
        let report = try PlanChecker.check(planJSON: try InstanceLoader.readText(plan), file: plan, problem: problem)
        if report.isValid {
            print("valid: \(report.groups) groups, total saving \(PlanTable.gbp(report.totalSaving)) (re-scored)")
            return
        }
        print("INVALID: \(report.violations.count) rule\(report.violations.count == 1 ? "" : "s") broken")
        for violation in report.violations { print("  \(violation)") }
        throw ExitWith(code: Exit.planBreaksRule)
    }
}

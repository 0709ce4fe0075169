// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import Foundation

/// The root command is configuration only; each subcommand lives in its own file.
struct CouncilShareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "councilshare",
        abstract: "Which councils should share which services, exactly (GLPK).",
        discussion: """
            Exit codes: 0 a plan was found (optimal or feasible) / check passed; 1 internal error; \
            2 invalid input or usage; 3 proven infeasible; 4 no plan found within the limits; \
            5 check: the plan breaks a rule.
            """,
        version: "0.1.0",
        subcommands: [Solve.self, FrontierCommand.self, Check.self, Export.self, Generate.self, Bench.self, Import.self]
    )
}

CommandLine.run(CouncilShareCommand.self)

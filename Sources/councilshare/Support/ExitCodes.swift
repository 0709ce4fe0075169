// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare
import Foundation

/// The documented exit codes (README, "Exit codes").
enum Exit {
    static let success: Int32 = 0
    static let internalError: Int32 = 1
    static let invalidInput: Int32 = 2
    static let infeasible: Int32 = 3
    static let noPlan: Int32 = 4
    static let planBreaksRule: Int32 = 5
}

/// Thrown by a subcommand to end with a particular code after it has printed its output.
struct ExitWith: Error { let code: Int32 }

extension CommandLine {
    /// Parses and runs, mapping every outcome to the documented exit codes:
    /// usage errors and `InputError`s become 2 (ArgumentParser's default is 64).
    static func run<Command: ParsableCommand>(_ type: Command.Type) -> Never {
        do {
            var command = try type.parseAsRoot()
            try command.run()
            exit(Exit.success)
        } catch let error as ExitWith {
            exit(error.code)
        } catch let error as InputError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(Exit.invalidInput)
        } catch {
            let code = type.exitCode(for: error)
            if code == .success {
                print(type.fullMessage(for: error))
                exit(Exit.success)
            }
            FileHandle.standardError.write(Data((type.fullMessage(for: error) + "\n").utf8))
            if code == .validationFailure || error is ValidationError { exit(Exit.invalidInput) }
            if code.rawValue == 64 { exit(Exit.invalidInput) }
            exit(code == .failure ? Exit.internalError : code.rawValue)
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

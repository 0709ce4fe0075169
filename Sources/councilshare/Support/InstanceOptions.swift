// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare

/// Options shared by the commands that read an instance and may override its target.
struct TargetOptions: ParsableArguments {
    @Option(name: .customLong("target-saving"), help: "Target saving in GBP a year (overrides the instance).")
    var targetSaving: Double?

    @Option(name: .customLong("target-fraction"), help: "Target saving as a fraction of the saving base, e.g. 0.018.")
    var targetFraction: Double?

    func validate() throws {
        if targetSaving != nil && targetFraction != nil {
            throw ValidationError("give --target-saving or --target-fraction, not both")
        }
        if let value = targetSaving, !(value.isFinite && value >= 0) {
            throw ValidationError("--target-saving must be a non-negative number of GBP")
        }
        if let value = targetFraction, !(value.isFinite && value >= 0 && value <= 1) {
            throw ValidationError("--target-fraction must be in [0, 1]")
        }
    }

    func apply(to problem: inout Problem) {
        if targetSaving != nil || targetFraction != nil {
            problem.setTarget(saving: targetSaving, fraction: targetFraction)
        }
    }
}

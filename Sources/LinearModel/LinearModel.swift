// SPDX-License-Identifier: GPL-3.0-or-later

/// A solver-neutral linear or mixed-integer program, stored column by column.
///
/// Rows are declared first (name and bounds); each variable then arrives with
/// its whole column (objective coefficient and the rows it appears in). This is
/// the natural shape for column generation, where columns keep arriving while
/// the rows stay fixed. Nothing here knows about GLPK or about councils.
///
/// Bounds use `-Double.infinity` / `+Double.infinity` for "none". A variable
/// marked integer with fractional bounds is rounded inwards by the backend.
public struct LinearModel: Sendable {
    public enum Sense: Sendable { case minimize, maximize }

    public struct Constraint: Sendable, Equatable {
        public var name: String
        public var lower: Double
        public var upper: Double
    }

    public struct Variable: Sendable, Equatable {
        public var name: String
        public var lower: Double
        public var upper: Double
        public var isInteger: Bool
        public var objective: Double
        /// Row indices and coefficients; each row at most once.
        public var column: [Entry]

        public init(name: String, lower: Double = 0, upper: Double = .infinity, isInteger: Bool = false,
                    objective: Double, column: [Entry]) {
            precondition(objective.isFinite, "objective of \(name) is not finite")
            precondition(!lower.isNaN && !upper.isNaN && lower <= upper, "bad bounds for \(name)")
            self.name = name
            self.lower = lower
            self.upper = upper
            self.isInteger = isInteger
            self.objective = objective
            self.column = column
        }
    }

    /// Appends a variable built elsewhere.
    @discardableResult
    public mutating func append(_ variable: Variable) -> VariableID {
        variables.append(variable)
        return VariableID(index: variables.count - 1)
    }

    public struct Entry: Sendable, Equatable {
        public var row: ConstraintID
        public var coefficient: Double
        public init(row: ConstraintID, coefficient: Double) {
            self.row = row
            self.coefficient = coefficient
        }
    }

    public var name: String
    public var sense: Sense
    public var objectiveConstant: Double = 0
    public private(set) var constraints: [Constraint] = []
    public private(set) var variables: [Variable] = []

    public init(name: String, sense: Sense) {
        self.name = name
        self.sense = sense
    }

    @discardableResult
    public mutating func addConstraint(
        name: String, lower: Double = -.infinity, upper: Double = .infinity
    ) -> ConstraintID {
        precondition(!lower.isNaN && !upper.isNaN && lower <= upper, "bad bounds for row \(name)")
        constraints.append(Constraint(name: name, lower: lower, upper: upper))
        return ConstraintID(index: constraints.count - 1)
    }

    /// Adds a row that also involves existing variables (a cut): its entries are
    /// appended to those variables' columns.
    @discardableResult
    public mutating func addConstraint(
        name: String, lower: Double = -.infinity, upper: Double = .infinity,
        terms: [(VariableID, Double)]
    ) -> ConstraintID {
        let row = addConstraint(name: name, lower: lower, upper: upper)
        for (variable, coefficient) in terms {
            precondition(coefficient.isFinite)
            variables[variable.index].column.append(Entry(row: row, coefficient: coefficient))
        }
        return row
    }

    @discardableResult
    public mutating func addVariable(
        name: String, lower: Double = 0, upper: Double = .infinity,
        isInteger: Bool = false, objective: Double, column: [Entry]
    ) -> VariableID {
        precondition(objective.isFinite, "objective of \(name) is not finite")
        precondition(!lower.isNaN && !upper.isNaN && lower <= upper, "bad bounds for \(name)")
        variables.append(Variable(
            name: name, lower: lower, upper: upper, isInteger: isInteger,
            objective: objective, column: column))
        return VariableID(index: variables.count - 1)
    }

    public mutating func setBounds(of row: ConstraintID, lower: Double, upper: Double) {
        precondition(!lower.isNaN && !upper.isNaN && lower <= upper)
        constraints[row.index].lower = lower
        constraints[row.index].upper = upper
    }

    public mutating func setBounds(of variable: VariableID, lower: Double, upper: Double) {
        precondition(!lower.isNaN && !upper.isNaN && lower <= upper)
        variables[variable.index].lower = lower
        variables[variable.index].upper = upper
    }

    public mutating func setObjective(of variable: VariableID, to value: Double) {
        precondition(value.isFinite)
        variables[variable.index].objective = value
    }

    /// The objective value of a full assignment (including the constant).
    public func objectiveValue(of values: [Double]) -> Double {
        precondition(values.count == variables.count)
        var total = objectiveConstant
        for (variable, value) in zip(variables, values) { total += variable.objective * value }
        return total
    }

    /// Checks a full assignment against bounds, integrality and every row, with
    /// an absolute tolerance. Returns the first violation found, or nil.
    public func violation(of values: [Double], tolerance: Double = 1e-6) -> String? {
        guard values.count == variables.count else { return "expected \(variables.count) values" }
        var activity = [Double](repeating: 0, count: constraints.count)
        for (variable, value) in zip(variables, values) {
            if !value.isFinite { return "\(variable.name) is not finite" }
            if value < variable.lower - tolerance || value > variable.upper + tolerance {
                return "\(variable.name) = \(value) outside [\(variable.lower), \(variable.upper)]"
            }
            if variable.isInteger && abs(value - value.rounded()) > tolerance {
                return "\(variable.name) = \(value) is not integral"
            }
            for entry in variable.column { activity[entry.row.index] += entry.coefficient * value }
        }
        for (row, value) in zip(constraints, activity)
        where value < row.lower - tolerance || value > row.upper + tolerance {
            return "row \(row.name) = \(value) outside [\(row.lower), \(row.upper)]"
        }
        return nil
    }
}

public struct ConstraintID: Hashable, Sendable {
    public let index: Int
    public init(index: Int) { self.index = index }
}
public struct VariableID: Hashable, Sendable {
    public let index: Int
    public init(index: Int) { self.index = index }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import CGLPK
import Foundation
import LinearModel

/// Rows of the simplex tableau for Driebeek and Tomlin's branching rule,
/// equal bit for bit to GLPK's `glp_eval_tab_row` and cheaper on a
/// set-packing master.
///
/// GLPK computes the row of basic variable `x_k` as `rho = inv(B') e_i`
/// (`glp_btran`) and then, for every non-basic column `j`, the scalar
/// product `alpha_j = rho · A_j`, fetching each column through the API
/// (`glp_get_col_stat`, `glp_get_mat_col`: a walk of a linked list per
/// column). On a pool of 20,000 groups that is a quarter of the whole
/// search's time (a profile of England's upper-tier legal, 2026-12-01).
///
/// Here the matrix is copied once per search into flat arrays: by rows,
/// to find the columns that meet a row where `rho` is not zero (the others
/// have `alpha_j = 0`), and by columns, to sum those columns' products in
/// exactly GLPK's order. GLPK keeps each column as a list to whose head
/// every new entry is added (`glp_set_mat_col` adds a new column's entries
/// in the order given, `glp_set_mat_row` a new row's), so its order is the
/// model's column entries reversed, after the rows that GLPK's own cuts
/// add during the search (rows past the model's, newest first: they are
/// added at the end and put at each column's head). The products are
/// summed in that order from 0, skipping zero terms (adding a zero does
/// not change a sum that starts at +0), so every `alpha_j` is GLPK's, and
/// the row lists the non-zero ones in GLPK's order (rows, then columns,
/// ascending).
final class TableauRows {
    /// Rows and columns of the model (GLPK may add rows of its own past `rows`).
    let rows: Int
    let columns: Int
    /// Column `j` (1-based) in GLPK's order: entries `columnStart[j-1] ..< columnStart[j]`.
    private let columnStart: [Int]
    private let columnRow: [Int32]
    private let columnValue: [Double]
    /// Row `i` (1-based): the columns it meets, `rowStart[i-1] ..< rowStart[i]`.
    private let rowStart: [Int]
    private let rowColumn: [Int32]
    // Work space, allocated once (plain memory: no exclusivity checks in the loops).
    private var rhoCapacity = 0
    private var rho: UnsafeMutablePointer<Double>
    private let sum: UnsafeMutablePointer<Double>
    private let mark: UnsafeMutablePointer<UInt32>
    private let touched: UnsafeMutablePointer<Int32>
    /// Which columns and rows are basic, as of the last `readBasis`.
    private let basicColumn: UnsafeMutablePointer<Bool>
    private var basicRow: UnsafeMutablePointer<Bool>
    private var basicRowCapacity = 0
    private var stamp: UInt32 = 0
    private var extraIndex: [Int32] = []
    private var extraValue: [Double] = []

    init(_ model: LinearModel) {
        rows = model.constraints.count
        columns = model.variables.count
        var rowCount = [Int](repeating: 0, count: rows + 1)
        var columnStart = [0]
        columnStart.reserveCapacity(columns + 1)
        var columnRow: [Int32] = [], columnValue: [Double] = []
        for variable in model.variables {
            for entry in variable.column.reversed() where entry.coefficient != 0 {
                columnRow.append(Int32(entry.row.index + 1))
                columnValue.append(entry.coefficient)
                rowCount[entry.row.index + 1] += 1
            }
            columnStart.append(columnRow.count)
        }
        var rowStart = [Int](repeating: 0, count: rows + 1)
        for i in 0..<rows { rowStart[i + 1] = rowStart[i] + rowCount[i + 1] }
        var fill = rowStart
        var rowColumn = [Int32](repeating: 0, count: columnRow.count)
        for j in 0..<columns {
            for position in columnStart[j]..<columnStart[j + 1] {
                let i = Int(columnRow[position]) - 1
                rowColumn[fill[i]] = Int32(j + 1)
                fill[i] += 1
            }
        }
        self.columnStart = columnStart
        self.columnRow = columnRow
        self.columnValue = columnValue
        self.rowStart = rowStart
        self.rowColumn = rowColumn
        rhoCapacity = rows + 1
        rho = .allocate(capacity: rhoCapacity)
        sum = .allocate(capacity: columns + 1)
        mark = .allocate(capacity: columns + 1)
        mark.initialize(repeating: 0, count: columns + 1)
        touched = .allocate(capacity: columns + 1)
        basicColumn = .allocate(capacity: columns + 1)
        basicColumn.initialize(repeating: false, count: columns + 1)
        basicRowCapacity = rows + 1
        basicRow = .allocate(capacity: basicRowCapacity)
        basicRow.initialize(repeating: false, count: basicRowCapacity)
    }

    /// Reads which variables are basic in `prob`'s current basis (once per
    /// branching decision, before the rows of that basis: each row would
    /// otherwise ask GLPK about every column again). False when `prob` does
    /// not hold this model.
    func readBasis(_ prob: OpaquePointer) -> Bool {
        let m = Int(glp_get_num_rows(prob))
        guard rows >= 1, Int(glp_get_num_cols(prob)) == columns, m >= rows else { return false }
        if basicRowCapacity < m + 1 {
            basicRow.deallocate()
            basicRowCapacity = m + 1
            basicRow = .allocate(capacity: basicRowCapacity)
        }
        for i in 1...m { basicRow[i] = glp_get_row_stat(prob, Int32(i)) == GLP_BS }
        for j in 1...columns { basicColumn[j] = glp_get_col_stat(prob, Int32(j)) == GLP_BS }
        return true
    }

    deinit {
        rho.deallocate()
        sum.deallocate()
        mark.deallocate()
        touched.deallocate()
        basicColumn.deallocate()
        basicRow.deallocate()
    }

    /// The row of the simplex tableau for the basic structural variable `j`
    /// (1-based), into `ind[1...len]` and `val[1...len]` as `glp_eval_tab_row`
    /// gives it; returns `len`, or nil when `prob` does not hold this model
    /// or `j` is not basic (the caller then leaves the choice to GLPK).
    /// The basis factorization must exist (`glp_bf_exists`), and `readBasis`
    /// must have read this basis.
    func row(_ prob: OpaquePointer, column j: Int32, ind: inout [Int32], val: inout [Double]) -> Int? {
        let m = Int(glp_get_num_rows(prob))
        guard rows >= 1, Int(glp_get_num_cols(prob)) == columns, m >= rows, j >= 1, Int(j) <= columns,
              ind.count > columns, val.count > columns, m < basicRowCapacity else { return nil }
        let position = glp_get_col_bind(prob, j)
        guard position >= 1 else { return nil }
        if rhoCapacity < m + 1 {
            rho.deallocate()
            rhoCapacity = m + 1
            rho = .allocate(capacity: rhoCapacity)
        }
        let rho = self.rho, sum = self.sum, mark = self.mark, touched = self.touched
        let basicColumn = self.basicColumn, basicRow = self.basicRow
        rho.update(repeating: 0, count: m + 1)
        rho[Int(position)] = 1
        glp_btran(prob, rho)
        stamp &+= 1
        if stamp == 0 {
            mark.update(repeating: 0, count: columns + 1)
            stamp = 1
        }
        let stamp = self.stamp
        var count = 0
        // GLPK's own rows (cuts added during the search), newest first: they
        // head every column's list, so their products come first in each sum.
        if m > rows {
            if extraIndex.count < columns + 1 {
                extraIndex = [Int32](repeating: 0, count: columns + 1)
                extraValue = [Double](repeating: 0, count: columns + 1)
            }
            for i in stride(from: m, to: rows, by: -1) where rho[i] != 0 {
                let length = Int(glp_get_mat_row(prob, Int32(i), &extraIndex, &extraValue))
                guard length > 0 else { continue }
                for t in 1...length {
                    let column = Int(extraIndex[t])
                    if mark[column] != stamp {
                        mark[column] = stamp
                        sum[column] = 0
                        touched[count] = Int32(column)
                        count += 1
                    }
                    let term = rho[i] * extraValue[t]
                    if term != 0 { sum[column] += term }
                }
            }
        }
        // Where few rows have rho != 0, only the columns that meet them can
        // have alpha != 0: find them by rows. Otherwise visit every column.
        var nonzero = 0
        for i in 1...rows where rho[i] != 0 { nonzero += 1 }
        let sparse = nonzero * 8 < rows
        if sparse {
            rowStart.withUnsafeBufferPointer { rowStart in
                rowColumn.withUnsafeBufferPointer { rowColumn in
                    for i in 1...rows where rho[i] != 0 {
                        for position in rowStart[i - 1]..<rowStart[i] {
                            let column = Int(rowColumn[position])
                            if mark[column] != stamp {
                                mark[column] = stamp
                                sum[column] = 0
                                touched[count] = Int32(column)
                                count += 1
                            }
                        }
                    }
                }
            }
            var list = UnsafeMutableBufferPointer(start: touched, count: count)
            list.sort()
        }
        var length = 0
        ind.withUnsafeMutableBufferPointer { ind in
            val.withUnsafeMutableBufferPointer { val in
                // Auxiliary variables: alpha = -rho[i] for each non-basic row.
                for i in 1...m where rho[i] != 0 && !basicRow[i] {
                    length += 1
                    ind[length] = Int32(i)
                    val[length] = -rho[i]
                }
                // Structural ones, ascending.
                columnStart.withUnsafeBufferPointer { columnStart in
                    columnRow.withUnsafeBufferPointer { columnRow in
                        columnValue.withUnsafeBufferPointer { columnValue in
                            func visit(_ c: Int) {
                                // The sum so far: the products of GLPK's rows, if any.
                                var alpha = mark[c] == stamp ? sum[c] : 0
                                for position in columnStart[c - 1]..<columnStart[c] {
                                    let term = rho[Int(columnRow[position])] * columnValue[position]
                                    if term != 0 { alpha += term }
                                }
                                if alpha != 0 {
                                    length += 1
                                    ind[length] = Int32(m + c)
                                    val[length] = alpha
                                }
                            }
                            if sparse {
                                for t in 0..<count where !basicColumn[Int(touched[t])] { visit(Int(touched[t])) }
                            } else {
                                for c in 1...columns where !basicColumn[c] { visit(c) }
                            }
                        }
                    }
                }
            }
        }
        return length
    }
}

#if DEBUG
extension TableauRows {
    /// Debug builds (the tests) compare every row with GLPK's own.
    struct Audit: Sendable {
        /// Rows compared, rows that differed in any index or bit, and rows
        /// computed while GLPK's own cut rows were in the problem.
        var compared = 0, differed = 0, withCutRows = 0
    }
    private static let auditLock = NSLock()
    nonisolated(unsafe) private static var auditValue = Audit()
    static var audited: Audit {
        auditLock.lock()
        defer { auditLock.unlock() }
        return auditValue
    }

    static func audit(_ prob: OpaquePointer, column j: Int32, rows: Int, length: Int, ind: [Int32], val: [Double]) {
        let m = glp_get_num_rows(prob), n = glp_get_num_cols(prob)
        var glpkIndex = [Int32](repeating: 0, count: Int(n) + 1)
        var glpkValue = [Double](repeating: 0, count: Int(n) + 1)
        let glpkLength = Int(glp_eval_tab_row(prob, m + j, &glpkIndex, &glpkValue))
        var same = glpkLength == length
        if same {
            for t in stride(from: 1, through: length, by: 1)
            where ind[t] != glpkIndex[t] || val[t].bitPattern != glpkValue[t].bitPattern {
                same = false
                break
            }
        }
        auditLock.lock()
        auditValue.compared += 1
        if !same { auditValue.differed += 1 }
        if Int(m) > rows { auditValue.withCutRows += 1 }
        auditLock.unlock()
    }
}
#endif

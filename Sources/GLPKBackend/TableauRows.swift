// SPDX-License-Identifier: GPL-3.0-or-later
import CGLPK
import Foundation
import LinearModel

/// The dual ratio tests of Driebeek and Tomlin's branching rule on rows of
/// the simplex tableau, equal bit for bit to GLPK's (`glp_eval_tab_row`,
/// then `glp_dual_rtest`) and cheaper on a set-packing master.
///
/// GLPK computes the row of basic variable `x_k` as `rho = inv(B') e_i`
/// (`glp_btran`) and then, for every non-basic column `j`, the scalar
/// product `alpha_j = rho · A_j`, fetching each column through the API
/// (`glp_get_col_stat`, `glp_get_mat_col`: a walk of a linked list per
/// column). On a pool of 20,000 groups that is a quarter of the whole
/// search's time (a profile of England's upper-tier legal, 2026-12-01).
///
/// Here the matrix is copied once per search into flat arrays by columns,
/// to sum each column's products in exactly GLPK's order, and the rows
/// that GLPK's own cuts add during the search are read once per basis
/// (`readBasis`). GLPK keeps each column as a list to whose head every new
/// entry is added (`glp_set_mat_col` adds a new column's entries in the
/// order given, `glp_set_mat_row` a new row's), so its order is the
/// model's column entries reversed, after the rows of GLPK's cuts (rows
/// past the model's, newest first: they are added at the end and put at
/// each column's head). The products are summed in that order from 0,
/// skipping zero terms (adding a zero does not change a sum that starts at
/// +0), so every `alpha_j` is GLPK's; the ratio tests (`ratioTests`) score
/// only the columns that can still matter.
final class TableauRows {
    /// Rows and columns of the model (GLPK may add rows of its own past `rows`).
    let rows: Int
    let columns: Int
    /// Column `j` (1-based) in GLPK's order: entries `columnStart[j-1] ..< columnStart[j]`
    /// of `columnRow` and `columnValue`. Plain memory, as is the work space below:
    /// no exclusivity checks or closures in the loops.
    private let columnStart: UnsafeMutableBufferPointer<Int>
    private let columnRow: UnsafeMutableBufferPointer<Int32>
    private let columnValue: UnsafeMutableBufferPointer<Double>
    /// `sum |a_ij|` over column `j`'s entries in the model's rows.
    private let columnWeight: UnsafeMutableBufferPointer<Double>
    // Work space, allocated once.
    private var rho: UnsafeMutableBufferPointer<Double>
    private let sum: UnsafeMutableBufferPointer<Double>
    private let mark: UnsafeMutableBufferPointer<UInt32>
    private var stamp: UInt32 = 0
    private var extraIndex: [Int32] = []
    private var extraValue: [Double] = []
    /// GLPK's own rows (`rows + 1 ... readRows`) as of the last `readBasis`:
    /// row `rows + r` is entries `extraStart[r - 1] ..< extraStart[r]` of
    /// `extraColumn` and `extraEntry`. `weight[j]` is `columnWeight[j]`
    /// plus `sum |a_ij|` over those rows: it bounds column `j`'s entries in
    /// every row of the problem.
    private var extraStart: [Int] = [0]
    private var extraColumn: [Int32] = []
    private var extraEntry: [Double] = []
    private var weight: [Double] = []
    /// As of the last `readBasis`, over `readRows` rows: each variable's status
    /// and reduced cost (rows first, `1...m`, then columns, `m+1...m+n`), the
    /// reduced cost turned into the numerator of the dual ratio test
    /// (`numerator`, at least 0), and the non-basic columns that may enter:
    /// first those of numerator 0, in column order, then the others, sorted
    /// by increasing `numerator / weight` when a ratio test first
    /// reaches them (`sortedEntering`).
    private var status: [Int32] = []
    private var cost: [Double] = []
    private var numerator: [Double] = []
    private var entering: [Int32] = []
    private var zeroEntering = 0
    private var sortedEntering = false
    private var readRows = 0
    /// Work space of `cutEstimate`: the cut's row through the non-basic
    /// variables.
    private var transformedIndex: UnsafeMutableBufferPointer<Int32>
    private var transformedValue: UnsafeMutableBufferPointer<Double>

    init(_ model: LinearModel) {
        rows = model.constraints.count
        columns = model.variables.count
        var starts = [0]
        starts.reserveCapacity(columns + 1)
        var entryRows: [Int32] = [], entryValues: [Double] = []
        for variable in model.variables {
            for entry in variable.column.reversed() where entry.coefficient != 0 {
                entryRows.append(Int32(entry.row.index + 1))
                entryValues.append(entry.coefficient)
            }
            starts.append(entryRows.count)
        }
        columnStart = .allocate(capacity: starts.count)
        _ = columnStart.initialize(from: starts)
        columnRow = .allocate(capacity: entryRows.count)
        _ = columnRow.initialize(from: entryRows)
        columnValue = .allocate(capacity: entryValues.count)
        _ = columnValue.initialize(from: entryValues)
        columnWeight = .allocate(capacity: columns + 1)
        columnWeight[0] = 0
        for j in 0..<columns {
            var weight = 0.0
            for position in starts[j]..<starts[j + 1] { weight += abs(entryValues[position]) }
            columnWeight[j + 1] = weight
        }
        rho = .allocate(capacity: rows + 1)
        sum = .allocate(capacity: columns + 1)
        mark = .allocate(capacity: columns + 1)
        mark.initialize(repeating: 0)
        transformedIndex = .allocate(capacity: rows + columns + 1)
        transformedValue = .allocate(capacity: rows + columns + 1)
    }

    deinit {
        columnStart.deallocate()
        columnRow.deallocate()
        for buffer in [columnValue, columnWeight, rho, sum, transformedValue] { buffer.deallocate() }
        mark.deallocate()
        transformedIndex.deallocate()
    }

    /// Reads the statuses and reduced costs of `prob`'s current basis (once
    /// per branching decision, before its rows and ratio tests: each would
    /// otherwise ask GLPK about every column again). False when `prob` does
    /// not hold this model.
    func readBasis(_ prob: OpaquePointer) -> Bool {
        let m = Int(glp_get_num_rows(prob))
        guard rows >= 1, Int(glp_get_num_cols(prob)) == columns, m >= rows else { return false }
        let objective = glp_get_obj_dir(prob) == GLP_MIN ? 1.0 : -1.0
        let total = m + columns
        if status.count < total + 1 {
            status = [Int32](repeating: 0, count: total + 1)
            cost = [Double](repeating: 0, count: total + 1)
            numerator = [Double](repeating: 0, count: total + 1)
        }
        for k in 1...total {
            let stat = k <= m ? glp_get_row_stat(prob, Int32(k)) : glp_get_col_stat(prob, Int32(k - m))
            let dual = k <= m ? glp_get_row_dual(prob, Int32(k)) : glp_get_col_dual(prob, Int32(k - m))
            status[k] = stat
            cost[k] = dual
            switch stat {
            case GLP_NL: numerator[k] = max(0, objective * dual)
            case GLP_NU: numerator[k] = max(0, -(objective * dual))
            default: numerator[k] = 0
            }
        }
        extraStart.removeAll(keepingCapacity: true)
        extraStart.append(0)
        extraColumn.removeAll(keepingCapacity: true)
        extraEntry.removeAll(keepingCapacity: true)
        if weight.count < columns + 1 { weight = [Double](repeating: 0, count: columns + 1) }
        for j in 0...columns { weight[j] = 0 }
        if m > rows {
            if extraIndex.count < columns + 1 {
                extraIndex = [Int32](repeating: 0, count: columns + 1)
                extraValue = [Double](repeating: 0, count: columns + 1)
            }
            for i in (rows + 1)...m {
                let length = Int(glp_get_mat_row(prob, Int32(i), &extraIndex, &extraValue))
                for t in stride(from: 1, through: length, by: 1) {
                    extraColumn.append(extraIndex[t])
                    extraEntry.append(extraValue[t])
                    weight[Int(extraIndex[t])] += abs(extraValue[t])
                }
                extraStart.append(extraColumn.count)
            }
        }
        for j in 0...columns { weight[j] = columnWeight[j] + weight[j] }
        entering.removeAll(keepingCapacity: true)
        var positive: [Int32] = []
        for j in 1...columns where weight[j] > 0 {
            let stat = status[m + j]
            guard stat == GLP_NL || stat == GLP_NU || stat == GLP_NF else { continue }
            if numerator[m + j] == 0 { entering.append(Int32(j)) } else { positive.append(Int32(j)) }
        }
        zeroEntering = entering.count
        entering += positive
        sortedEntering = positive.isEmpty
        readRows = m
        return true
    }

    /// `rho = inv(B') e_i` for the basic column `j`, as `glp_eval_tab_row`
    /// computes it, in `rho[1...m]`; nil when `j` is not basic.
    private func backTransform(_ prob: OpaquePointer, column j: Int32, rows m: Int) -> UnsafeMutableBufferPointer<Double>? {
        let position = glp_get_col_bind(prob, j)
        guard position >= 1 else { return nil }
        if rho.count < m + 1 {
            rho.deallocate()
            rho = .allocate(capacity: m + 1)
        }
        rho.update(repeating: 0)
        rho[Int(position)] = 1
        glp_btran(prob, rho.baseAddress!)
        return rho
    }

    /// `start + rho · A_c` over column `c`'s entries in the model's rows, in
    /// GLPK's order, skipping zero terms (so bit for bit GLPK's sum when
    /// `start` holds the products of GLPK's own rows, or is 0).
    @inline(__always)
    private func product(_ c: Int, _ rho: UnsafeMutableBufferPointer<Double>, from start: Double) -> Double {
        var alpha = start
        for position in columnStart[c - 1]..<columnStart[c] {
            let term = rho[Int(columnRow[position])] * columnValue[position]
            if term != 0 { alpha += term }
        }
        return alpha
    }

    /// A new stamp for `mark` (the marks cleared when the counter wraps).
    private func nextStamp() -> UInt32 {
        stamp &+= 1
        if stamp == 0 {
            mark.update(repeating: 0)
            stamp = 1
        }
        return stamp
    }

    /// For each column that GLPK's own rows (cuts added during the search,
    /// as `readBasis` read them) meet where `rho` is not zero: marks it
    /// with `stamp` and starts `sum` at 0 when first met, then adds those
    /// rows' products, newest row first: such rows head every column's
    /// list in GLPK, so their products come first in each of its sums.
    private func sumExtraRows(_ rho: UnsafeMutableBufferPointer<Double>, rows m: Int, stamp: UInt32) {
        guard m > rows else { return }
        let mark = self.mark, sum = self.sum
        for i in stride(from: m, to: rows, by: -1) where rho[i] != 0 {
            for position in extraStart[i - rows - 1]..<extraStart[i - rows] {
                let column = Int(extraColumn[position])
                if mark[column] != stamp {
                    mark[column] = stamp
                    sum[column] = 0
                }
                let term = rho[i] * extraEntry[position]
                if term != 0 { sum[column] += term }
            }
        }
    }

    /// The entering variable of GLPK's dual ratio test (`glp_dual_rtest`
    /// with tolerance `eps`) on the tableau row of basic column `j`, for
    /// `dir` -1 (the variable goes down) and +1 (up): for each, the variable
    /// `k` (rows `1...m`, then columns) and its entry `alpha` in the row, or
    /// nil when no variable can enter. The same choice as GLPK's on the
    /// whole row, without computing the whole row: the test takes the least
    /// ratio `numerator_k / |alpha_k|` (ties: the largest `|alpha_k|`, then
    /// the first), and `|alpha_k| <= max_i |rho_i| * sum_i |a_ik|`, so
    /// columns in increasing order of `numerator_k / sum_i |a_ik|` stop
    /// mattering once that bound on their ratio (with a margin for rounding)
    /// exceeds both ratios found. On a degenerate set-packing LP the test
    /// usually finds a ratio of 0 among the rows, and only the columns of
    /// zero reduced cost are looked at.
    ///
    /// With GLPK's own cut rows in the problem, `sum_i |a_ik|` runs over
    /// them too, and their products start each column's sum, as in `row`.
    ///
    /// Returns nil when the row cannot be had this way (`j` is not basic,
    /// or `readBasis` did not read this basis): the caller then uses `row`
    /// and `glp_dual_rtest`.
    func ratioTests(_ prob: OpaquePointer, column j: Int32, eps: Double) -> [(k: Int32, alpha: Double)?]? {
        let m = Int(glp_get_num_rows(prob))
        guard rows >= 1, m >= rows, readRows == m, Int(glp_get_num_cols(prob)) == columns,
              j >= 1, Int(j) <= columns, let rho = backTransform(prob, column: j, rows: m) else { return nil }
        let stamp = nextStamp()
        sumExtraRows(rho, rows: m, stamp: stamp)
        let mark = self.mark, sum = self.sum
        var largest = 0.0
        for i in 1...m { largest = max(largest, abs(rho[i])) }
        let objective = glp_get_obj_dir(prob) == GLP_MIN ? 1.0 : -1.0
        // Local copies (no exclusivity checks on the class's properties in the loops).
        let status = self.status, cost = self.cost, numerator = self.numerator, weight = self.weight
        var order = entering
        // Per direction: the least ratio, the largest |alpha| at it, the variable.
        var teta = [Double.greatestFiniteMagnitude, .greatestFiniteMagnitude]
        var big = [0.0, 0.0]
        var chosen: [(k: Int32, alpha: Double)?] = [nil, nil]
        // One entry of the row, in both directions, as `glp_dual_rtest` scores it.
        func consider(_ k: Int, _ value: Double) {
            let stat = status[k]
            for d in 0..<2 {
                let alfa = d == 1 ? value : -value
                var temp: Double
                switch stat {
                case GLP_NL:
                    if alfa < eps { continue }
                    temp = (objective * cost[k]) / alfa
                case GLP_NU:
                    if alfa > -eps { continue }
                    temp = (objective * cost[k]) / alfa
                case GLP_NF:
                    if -eps < alfa && alfa < eps { continue }
                    temp = 0
                default:
                    continue
                }
                if temp < 0 { temp = 0 }
                // GLPK scans in order of k and keeps the first of equals:
                // entries here come in another order, so k decides those.
                if teta[d] > temp || teta[d] == temp && (big[d] < abs(alfa)
                    || big[d] == abs(alfa) && k < Int(chosen[d]?.k ?? .max)) {
                    teta[d] = temp
                    big[d] = abs(alfa)
                    chosen[d] = (Int32(k), value)
                }
            }
        }
        for i in 1...m where rho[i] != 0 && status[i] != GLP_BS { consider(i, -rho[i]) }
        var stoppedEarly = false
        var index = 0
        while index < order.count {
            if index == zeroEntering && !sortedEntering {
                // The columns of positive numerator are reached: order them now (once per basis).
                entering[zeroEntering...].sort { a, b in
                    let ka = numerator[m + Int(a)] / weight[Int(a)], kb = numerator[m + Int(b)] / weight[Int(b)]
                    return ka != kb ? ka < kb : a < b
                }
                sortedEntering = true
                order = entering
            }
            let c = Int(order[index])
            index += 1
            if chosen[0] != nil && chosen[1] != nil {
                // No ratio of this column (or of any after it) can be
                // below, or equal to, both found.
                let floor = numerator[m + c] / (largest * weight[c]) * (1 - 1e-9)
                if floor > max(teta[0], teta[1]) {
                    stoppedEarly = true
                    break
                }
            }
            let alpha = product(c, rho, from: mark[c] == stamp ? sum[c] : 0)
            if alpha != 0 { consider(m + c, alpha) }
        }
        #if DEBUG
        if stoppedEarly { TableauRows.countStoppedEarly() }
        #endif
        return chosen
    }
}

extension TableauRows {
    /// GLPK's estimate of what a cut `a x <= upper` would do at the current
    /// basis, as its cut selection (`ios_process_cuts`) computes it, for a
    /// cut over the model's columns (`index[1...length]`, `value`, 1-based
    /// as GLPK takes them) at the columns' values `x` (0-based): the cut's
    /// violation over its norm (`efficacy`) and the objective's change in
    /// one dual simplex step after it is added (`degradation`, at least 0;
    /// `.greatestFiniteMagnitude` when no step keeps the basis dual
    /// feasible; both 0 when the basis does not violate it).
    ///
    /// GLPK expresses the cut through the non-basic variables
    /// (`glp_transform_row`: `rho = inv(B') a_B`, then `alpha_j = a_j - ...`
    /// for every non-basic column, fetched through the API column by column)
    /// and takes one dual ratio test over that row (`_glp_analyze_row`).
    /// The same here over the flat copy of the matrix (with GLPK's own cut
    /// rows read by `readBasis`, which must have read this basis): on
    /// generated 317 x 4's back office, `glp_transform_row` took a fifth of
    /// the time of the branch-and-cut over its pool. Debug builds compare
    /// each estimate with GLPK's (`auditCut`). Nil when the basis was not read.
    func cutEstimate(_ prob: OpaquePointer, x: [Double], index: [Int32], value: [Double], length: Int,
                     upper: Double) -> (efficacy: Double, degradation: Double)? {
        let m = Int(glp_get_num_rows(prob))
        guard rows >= 1, m >= rows, readRows == m, Int(glp_get_num_cols(prob)) == columns, x.count == columns,
              length >= 1, index.count > length, value.count > length, glp_bf_exists(prob) != 0 else { return nil }
        if rho.count < m + 1 {
            rho.deallocate()
            rho = .allocate(capacity: m + 1)
        }
        rho.update(repeating: 0)
        if transformedIndex.count < m + columns + 1 {
            transformedIndex.deallocate()
            transformedValue.deallocate()
            transformedIndex = .allocate(capacity: m + columns + 1)
            transformedValue = .allocate(capacity: m + columns + 1)
        }
        let transformedIndex = self.transformedIndex, transformedValue = self.transformedValue
        let status = self.status, cost = self.cost
        // Each column's sum starts from the cut's own coefficient, then
        // GLPK's cut rows, then the model's entries: GLPK's order. The mark
        // also checks that each column of the model comes at most once,
        // with a coefficient other than 0.
        let stamp = nextStamp()
        let mark = self.mark, sum = self.sum
        var norm = 0.0
        for t in 1...length {
            let j = Int(index[t])
            guard j >= 1, j <= columns, value[t] != 0, value[t].isFinite, mark[j] != stamp else { return nil }
            mark[j] = stamp
            sum[j] = value[t]
            norm += value[t] * value[t]
            if status[m + j] == GLP_BS {
                let position = Int(glp_get_col_bind(prob, Int32(j)))
                if position >= 1 && position <= m { rho[position] = value[t] }
            }
        }
        glp_btran(prob, rho.baseAddress!)
        sumExtraRows(rho, rows: m, stamp: stamp)
        var count = 0, y = 0.0
        for i in 1...m where status[i] != GLP_BS && rho[i] != 0 {
            count += 1
            transformedIndex[count] = Int32(i)
            transformedValue[count] = -rho[i]
            y -= rho[i] * glp_get_row_prim(prob, Int32(i))
        }
        for j in 1...columns where status[m + j] != GLP_BS {
            var alpha = mark[j] == stamp ? sum[j] : 0
            for position in columnStart[j - 1]..<columnStart[j] {
                alpha += rho[Int(columnRow[position])] * columnValue[position]
            }
            if alpha != 0 {
                count += 1
                transformedIndex[count] = Int32(m + j)
                transformedValue[count] = alpha
                y += alpha * x[j - 1]
            }
        }
        // `_glp_analyze_row` for a row `<= upper`: the row goes down to its bound.
        guard y > upper else { return (0, 0) }
        let dy = upper - y
        let efficacy = abs(dy) / (norm < Double.ulpOfOne * Double.ulpOfOne ? Double.ulpOfOne : norm).squareRoot()
        let pivot = Int(glp_dual_rtest(prob, Int32(count), transformedIndex.baseAddress!, transformedValue.baseAddress!, -1, 1e-9))
        guard pivot >= 1 else { return (1, .greatestFiniteMagnitude) }
        let k = Int(transformedIndex[pivot])
        var change = cost[k] * (dy / transformedValue[pivot])
        // The objective gets worse; a change of the wrong sign is rounding.
        change = glp_get_obj_dir(prob) == GLP_MIN ? max(0, change) : max(0, -change)
        return (efficacy, change < 0.01 ? 0 : change)
    }
}

#if DEBUG
extension TableauRows {
    /// Debug builds (the tests) compare every ratio test with GLPK's own.
    struct Audit: Sendable {
        /// Pairs of ratio tests (`ratioTests`) compared with GLPK's on the
        /// whole row (`glp_eval_tab_row`, `glp_dual_rtest`), those whose
        /// variable or entry differed in any bit, and those made while
        /// GLPK's own cut rows were in the problem.
        var pivotsCompared = 0, pivotsDiffered = 0, pivotsWithCutRows = 0
        /// Ratio tests that left columns unscored (the bound on their ratios).
        var pivotsStoppedEarly = 0
        /// Cut estimates (`cutEstimate`) compared with GLPK's own
        /// (`glp_transform_row`, then `_glp_analyze_row`'s steps), those
        /// that differed in any bit, and those made while GLPK's own cut
        /// rows were in the problem.
        var cutsCompared = 0, cutsDiffered = 0, cutsWithCutRows = 0
    }
    static func countStoppedEarly() {
        auditLock.lock()
        auditValue.pivotsStoppedEarly += 1
        auditLock.unlock()
    }
    private static let auditLock = NSLock()
    nonisolated(unsafe) private static var auditValue = Audit()
    static var audited: Audit {
        auditLock.lock()
        defer { auditLock.unlock() }
        return auditValue
    }

    /// Compares `estimate` with GLPK's own estimate of the cut, made as
    /// `ios_process_cuts` makes it, at the same basis.
    static func auditCut(_ prob: OpaquePointer, index: [Int32], value: [Double], length: Int, upper: Double,
                         estimate: (efficacy: Double, degradation: Double), rows: Int) {
        let m = Int(glp_get_num_rows(prob)), n = Int(glp_get_num_cols(prob))
        var ind = [Int32](repeating: 0, count: m + n + 1), val = [Double](repeating: 0, count: m + n + 1)
        var norm = 0.0
        for t in 1...length { ind[t] = index[t]; val[t] = value[t]; norm += value[t] * value[t] }
        if norm < Double.ulpOfOne * Double.ulpOfOne { norm = Double.ulpOfOne }
        let count = Int(glp_transform_row(prob, Int32(length), &ind, &val))
        var y = 0.0
        for t in stride(from: 1, through: count, by: 1) {
            let k = Int(ind[t])
            y += val[t] * (k <= m ? glp_get_row_prim(prob, Int32(k)) : glp_get_col_prim(prob, Int32(k - m)))
        }
        var expected: (efficacy: Double, degradation: Double) = (0, 0)
        if y > upper {
            let dy = upper - y
            let pivot = Int(glp_dual_rtest(prob, Int32(count), ind, val, -1, 1e-9))
            if pivot == 0 {
                expected = (1, .greatestFiniteMagnitude)
            } else {
                let k = Int(ind[pivot])
                let dual = k <= m ? glp_get_row_dual(prob, Int32(k)) : glp_get_col_dual(prob, Int32(k - m))
                var dz = dual * (dy / val[pivot])
                dz = glp_get_obj_dir(prob) == GLP_MIN ? max(0, dz) : max(0, -dz)
                expected = (abs(dy) / norm.squareRoot(), dz < 0.01 ? 0 : dz)
            }
        }
        auditLock.lock()
        auditValue.cutsCompared += 1
        if expected.efficacy.bitPattern != estimate.efficacy.bitPattern
            || expected.degradation.bitPattern != estimate.degradation.bitPattern { auditValue.cutsDiffered += 1 }
        if m > rows { auditValue.cutsWithCutRows += 1 }
        auditLock.unlock()
    }

    static func audit(_ prob: OpaquePointer, column j: Int32, rows: Int, pivots: [(k: Int32, alpha: Double)?]) {
        let m = glp_get_num_rows(prob), n = glp_get_num_cols(prob)
        var index = [Int32](repeating: 0, count: Int(n) + 1)
        var value = [Double](repeating: 0, count: Int(n) + 1)
        let length = glp_eval_tab_row(prob, m + j, &index, &value)
        var same = pivots.count == 2
        for (slot, direction) in [Int32(-1), Int32(1)].enumerated() where same {
            let position = Int(glp_dual_rtest(prob, length, index, value, direction, 1e-9))
            if let pivot = pivots[slot] {
                same = position > 0 && index[position] == pivot.k && value[position].bitPattern == pivot.alpha.bitPattern
            } else {
                same = position == 0
            }
        }
        auditLock.lock()
        auditValue.pivotsCompared += 1
        if !same { auditValue.pivotsDiffered += 1 }
        if Int(m) > rows { auditValue.pivotsWithCutRows += 1 }
        auditLock.unlock()
    }
}
#endif

// SPDX-License-Identifier: GPL-3.0-or-later

/// Erlenkotter's dual ascent (DUALOC, 1978) for the uncapacitated facility
/// location problem. The LP dual of the strong UFL formulation is
///
///     max  sum_j v_j   s.t.  sum_j max(0, v_j - c_ij) <= f_i   for every hub i,
///
/// so any such v is a lower bound. Starting from v_j = min_i c_ij, each
/// client in turn raises v_j to its next cost level, or as far as the
/// slacks s_i = f_i - sum_j max(0, v_j - c_ij) of the hubs already within
/// v_j allow; passes repeat until no v_j moves. The hubs whose slack reaches
/// 0 form a primal plan (every client is then within v_j of a tight hub or
/// is served at its cheapest tight one). Used for the bound it proves, for a
/// second starting plan, and to pick the first radii of the radius model.
public struct DualAscent {
    public let problem: LocationProblem
    public init(problem: LocationProblem) { self.problem = problem }

    public struct Result: Sendable {
        /// The dual values v_j; their sum is a lower bound on the optimum.
        public var values: [Double]
        public var bound: Double
        /// Hubs with zero slack.
        public var tight: [Int]
    }

    public func run(levels: [[Double]], order: [[Int32]]) -> Result {
        let n = problem.clientCount, m = problem.hubCount
        var slack = problem.hubCost
        var value = (0..<n).map { levels[$0].first ?? 0 }
        // position[j]: number of hubs (in cost order) with cost <= value[j].
        var position = (0..<n).map { client -> Int in
            var count = 0
            while count < order[client].count && problem.cost(client, Int(order[client][count])) <= value[client] { count += 1 }
            return count
        }
        var level = Array(repeating: 0, count: n)
        let eps = 1e-9
        var moved = true
        while moved {
            moved = false
            for client in 0..<n {
                let costs = levels[client]
                guard level[client] + 1 < costs.count else { continue }
                let hubs = order[client]
                var step = costs[level[client] + 1] - value[client]
                for index in 0..<position[client] { step = min(step, slack[Int(hubs[index])]) }
                guard step > eps else { continue }
                for index in 0..<position[client] { slack[Int(hubs[index])] -= step }
                value[client] += step
                if value[client] >= costs[level[client] + 1] - eps {
                    value[client] = costs[level[client] + 1]
                    level[client] += 1
                    while position[client] < hubs.count && problem.cost(client, Int(hubs[position[client]])) <= value[client] {
                        position[client] += 1
                    }
                    moved = true
                }
            }
        }
        let tight = (0..<m).filter { slack[$0] <= eps * max(1, problem.hubCost[$0]) }
        return Result(values: value, bound: value.reduce(0, +), tight: tight)
    }
}

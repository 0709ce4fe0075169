// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
@testable import CouncilShare

/// Instances the soak test found (`COUNCILSHARE_SOAK`), kept so the bugs stay fixed.
@Suite("Soak findings against brute force")
struct SoakFindingTests {
    /// keep_together pairs: the binary search on the group count took an LP
    /// with no feasible point among the columns found so far as proof that
    /// one group was too few, and reported 2 groups as optimal (1 suffices).
    static let fewestGroups = #"""
{
 "name": "random-142226",
 "councils": [
  {
   "id": "E07000100",
   "name": "Council 0",
   "lat": 53.33893451321194,
   "lon": -2.352736738320754
  },
  {
   "id": "E07000107",
   "name": "Council 1",
   "lat": 53.66859001485894,
   "lon": -2.2498721256080514
  },
  {
   "id": "E07000114",
   "name": "Council 2",
   "lat": 53.55680727668535,
   "lon": -2.7994771176466604
  },
  {
   "id": "E07000121",
   "name": "Council 3",
   "lat": 53.385197040816365,
   "lon": -2.4252542974648166
  },
  {
   "id": "E07000128",
   "name": "Council 4",
   "lat": 53.38758892167219,
   "lon": -2.7869607938519523
  },
  {
   "id": "E07000135",
   "name": "Council 5",
   "lat": 53.26096281650071,
   "lon": -2.182959927530099
  },
  {
   "id": "E07000142",
   "name": "Council 6",
   "lat": 53.6374297562307,
   "lon": -2.67488831558181
  }
 ],
 "services": [
  {
   "id": "legal",
   "name": "Service 0",
   "cost_curve": {
    "power": {
     "scale": 49653.17818620987,
     "exponent": 0.8401048807257105
    }
   },
   "max_members": 8,
   "distance_cost_per_km": 2329,
   "setup_cost_per_member": 712243,
   "setup_years": 3
  }
 ],
 "spend": [
  {
   "council": "E07000100",
   "service": "legal",
   "spend": 4218618,
   "volume": 148.08078659079254
  },
  {
   "council": "E07000107",
   "service": "legal",
   "spend": 1962547,
   "volume": 77.86334295916102
  },
  {
   "council": "E07000114",
   "service": "legal",
   "spend": 3525982,
   "volume": 149.15516593031936
  },
  {
   "council": "E07000121",
   "service": "legal",
   "spend": 7608587,
   "volume": 325.3628238930066
  },
  {
   "council": "E07000128",
   "service": "legal",
   "spend": 3102662,
   "volume": 121.44546410704767
  },
  {
   "council": "E07000135",
   "service": "legal",
   "spend": 4409546,
   "volume": 152.675787489927
  },
  {
   "council": "E07000142",
   "service": "legal",
   "spend": 2117389,
   "volume": 74.67953931029477
  }
 ],
 "forbidden_pairs": [
  {
   "a": "E07000121",
   "b": "E07000114"
  }
 ],
 "keep_together": [
  {
   "a": "E07000142",
   "b": "E07000114",
   "service": "legal"
  },
  {
   "a": "E07000135",
   "b": "E07000100",
   "service": "legal"
  }
 ],
 "target": {
  "min_saving": 5190495
 },
 "objective": "min_groups"
}
"""#

    /// Three keep_together pairs that no valid group can honour: a subset-row
    /// cut made the root LP infeasible and the search, without a time limit,
    /// reported "no plan found" instead of proving infeasibility.
    static let oddCycle = #"""
{
 "name": "keep-together-odd-cycle",
 "councils": [
  {
   "id": "E07000001",
   "name": "Council 0",
   "lat": 53.7,
   "lon": -2.5
  },
  {
   "id": "E07000002",
   "name": "Council 1",
   "lat": 53.7,
   "lon": -2.49
  },
  {
   "id": "E07000003",
   "name": "Council 2",
   "lat": 53.7,
   "lon": -2.48
  },
  {
   "id": "E07000004",
   "name": "Council 3",
   "lat": 53.7,
   "lon": -2.47
  },
  {
   "id": "E07000005",
   "name": "Council 4",
   "lat": 53.7,
   "lon": -2.46
  },
  {
   "id": "E07000006",
   "name": "Council 5",
   "lat": 53.7,
   "lon": -2.45
  }
 ],
 "services": [
  {
   "id": "legal",
   "name": "Legal",
   "cost_curve": {
    "power": {
     "scale": 1000000,
     "exponent": 0.5
    }
   },
   "max_members": 4
  }
 ],
 "spend": [
  {
   "council": "E07000001",
   "service": "legal",
   "spend": 1000000,
   "volume": 1
  },
  {
   "council": "E07000002",
   "service": "legal",
   "spend": 1000000,
   "volume": 1
  },
  {
   "council": "E07000003",
   "service": "legal",
   "spend": 1000000,
   "volume": 1
  },
  {
   "council": "E07000004",
   "service": "legal",
   "spend": 1000000,
   "volume": 1
  },
  {
   "council": "E07000005",
   "service": "legal",
   "spend": 1000000,
   "volume": 1
  },
  {
   "council": "E07000006",
   "service": "legal",
   "spend": 1000000,
   "volume": 1
  }
 ],
 "keep_together": [
  {
   "a": "E07000001",
   "b": "E07000002",
   "service": "legal"
  },
  {
   "a": "E07000003",
   "b": "E07000004",
   "service": "legal"
  },
  {
   "a": "E07000005",
   "b": "E07000006",
   "service": "legal"
  }
 ],
 "min_group_saving_fraction": 0.4
}
"""#

    @Test("solver and brute force agree, with and without a time limit",
          arguments: ["fewest-groups", "odd-cycle"], [nil, 20.0] as [Double?])
    func agrees(name: String, limit: Double?) throws {
        for objective in [Instance.Objective.maxSaving, .minGroups] {
            var instance = try Instance.from(json: name == "odd-cycle" ? Self.oddCycle : Self.fewestGroups, file: name)
            instance.objective = objective
            if instance.target == nil && objective == .minGroups { continue }
            let problem = try Problem(instance: instance, file: name)
            var options = SolveOptions()
            options.timeLimit = limit
            let plan = ExactSolver(problem: problem, options: options).solve()
            let brute = BruteForce(instance: instance).solve()
            let summary = "\(name) \(objective.rawValue): solver \(plan.status.rawValue) \(plan.totalSaving) "
                + "\(plan.groupCount) groups; brute force \(brute)"
            #expect(plan.status.rawValue == brute.status.rawValue, "\(summary)")
            if brute.status == .optimal {
                #expect(abs(plan.totalSaving - brute.totalSaving) <= 0.01 + 1e-6 * abs(brute.totalSaving), "\(summary)")
                #expect(plan.groupCount == brute.groupCount || objective == .maxSaving, "\(summary)")
            }
        }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
@testable import CouncilShare

@Suite("Frontier chart and CSV")
struct FrontierChartTests {
    /// A frontier made by hand: k = 1 optimal, k = 3 feasible with a bound, k = 4 infeasible.
    static func frontier(name: String, target: Double?) -> Frontier {
        func point(_ k: Int, _ status: Plan.Status, _ saving: Double, _ bound: Double?) -> Frontier.Point {
            Frontier.Point(groupLimit: k, plan: Plan(instance: name, status: status, objective: .maxSaving, groups: [],
                                                     totalSaving: saving, bound: bound, targetSaving: nil), seconds: 0.25)
        }
        let largest = point(3, .feasible, 2_500_000, 2_600_000).plan
        return Frontier(instance: name, points: [point(1, .optimal, 1_000_000, 1_000_000), point(3, .feasible, 2_500_000, 2_600_000),
                                                 point(4, .infeasible, 0, nil)],
                        largest: largest, targetSaving: target)
    }

    @Test("text is escaped and control characters dropped; the target and the bound bar are drawn")
    func escaping() {
        let svg = FrontierChart.svg(Self.frontier(name: "A&B <\"x\"> 'y'\u{1}", target: 2_000_000))
        #expect(svg.contains("A&amp;B &lt;&quot;x&quot;&gt; &apos;y&apos; "))
        #expect(!svg.contains("<\"x\">") && !svg.contains("\u{1}"))
        #expect(svg.contains("target £2,000,000"))
        #expect(svg.contains("bound £2,600,000"), "the feasible point's tooltip gives its bound")
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2 + 2, "infeasible points are left out")
        #expect(!FrontierChart.svg(Self.frontier(name: "n", target: nil)).contains("target"))
    }

    @Test("CSV rows: money to the penny, empty fields where nothing applies")
    func csv() {
        #expect(FrontierTable.csv(Self.frontier(name: "n", target: nil)) == """
            k,saving,bound,gap,status,groups,seconds
            1,1000000.00,1000000.00,0,optimal,0,0.250
            3,2500000.00,2600000.00,0.038461538,feasible,0,0.250
            4,,,,infeasible,,0.250

            """)
    }

    @Test("axis ticks and money labels")
    func ticks() {
        #expect(FrontierChart.ticks(upTo: 8, integral: true) == [0, 1, 2, 3, 4, 5, 6, 7, 8])
        #expect(FrontierChart.ticks(upTo: 49, integral: true) == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50])
        #expect(FrontierChart.ticks(upTo: 61_093_692, integral: false) == [0, 20e6, 40e6, 60e6, 80e6])
        #expect(FrontierChart.compactGBP(0) == "£0")
        #expect(FrontierChart.compactGBP(250_000) == "£250k")
        #expect(FrontierChart.compactGBP(1_500_000) == "£1.5m")
        #expect(FrontierChart.compactGBP(2_250_000_000) == "£2.25bn")
    }
}

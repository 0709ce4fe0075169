// SPDX-License-Identifier: GPL-3.0-or-later
// Cost curves (MODEL.md §1): piecewise-linear evaluation, power curves, and the
// least-squares fit with its clipping rule.
import Foundation
import Testing
@testable import CouncilShare

@Suite("Cost curves and curve fitting")
struct CurveTests {
    // Points (0, 200), (100, 1200), (300, 2200), (400, 2400): slopes 10, 5, 2,
    // so concave; extended past V = 400 with slope 2.
    static let piecewise = CostCurve.piecewise(volumes: [0, 100, 300, 400], costs: [200, 1200, 2200, 2400])

    @Test("piecewise-linear evaluation, including past the last point", arguments: [
        (0.0, 200.0),      // the first point: the fixed cost
        (50, 700),         // 200 + 10 * 50
        (100, 1200),       // a breakpoint
        (200, 1700),       // 1200 + 5 * 100
        (300, 2200),
        (350, 2300),       // 2200 + 2 * 50
        (400, 2400),       // the last point
        (500, 2600),       // extended with the last slope: 2400 + 2 * 100
        (1400, 4400),      // 2400 + 2 * 1000
    ] as [(Double, Double)])
    func piecewiseEvaluation(volume: Double, cost: Double) {
        #expect(abs(Self.piecewise.cost(volume) - cost) < 1e-9)
        #expect(abs(BruteForce.Curve.points([(0, 200), (100, 1200), (300, 2200), (400, 2400)]).cost(volume) - cost) < 1e-9)
    }

    @Test("a curve that ends flat stays flat")
    func flatTail() {
        let curve = CostCurve.piecewise(volumes: [0, 100, 120], costs: [0, 1000, 1000])
        #expect(curve.cost(60) == 600)
        #expect(curve.cost(110) == 1000)
        #expect(curve.cost(1e6) == 1000)
    }

    @Test("power curve", arguments: [
        (100.0, 0.5, 2500.0, 5000.0),      // 100 * 50
        (3.0, 1.0, 7.0, 21.0),             // linear
        (2.0, 0.8, 1024.0, 512.0),         // 2 * 1024^0.8 = 2 * 2^8
        (5.0, 0.9, 0.0, 0.0),              // no volume, no cost
    ] as [(Double, Double, Double, Double)])
    func powerCurve(scale: Double, exponent: Double, volume: Double, cost: Double) {
        let curve = CostCurve.power(scale: scale, exponent: exponent)
        #expect(abs(curve.cost(volume) - cost) <= 1e-9 * max(1, cost))
    }

    @Test("a problem's curves are the instance's curves")
    func problemKeepsCurves() throws {
        var instance = Instance(name: "curves")
        instance.councils = [Tiny.council("A"), Tiny.council("B")]
        instance.services = [Tiny.service("legal", points: [[0, 200], [100, 1200], [300, 2200], [400, 2400]])]
        var power = Instance.Service(id: "audit", name: "Audit")
        power.costCurve = .power(scale: 2, exponent: 0.8)
        instance.services.append(power)
        instance.spend = [Instance.Spend(council: "A", service: "legal", spend: 1, volume: 1)]
        let problem = try Problem(instance: instance, file: "curves.json")
        #expect(problem.services[0].curve == Self.piecewise)
        #expect(problem.services[1].curve == .power(scale: 2, exponent: 0.8))
        #expect(problem.services[0].fit == nil)
    }

    // Exact data spend = 3 * V^0.8: ln spend = ln 3 + 0.8 ln V, so least squares
    // recovers b = 0.8, k = 3, with R² = 1.
    @Test("the fit recovers a known exponent from exact data")
    func fitRecoversExponent() throws {
        let volumes: [Double] = [1_000, 5_000, 20_000, 80_000, 300_000]
        let fit = try #require(CurveFit.fit(spend: volumes.map { 3 * pow($0, 0.8) }, volume: volumes))
        #expect(abs(fit.exponent - 0.8) < 1e-9)
        #expect(abs(fit.scale - 3) < 1e-6)
        #expect(abs(fit.rSquared - 1) < 1e-9)
        #expect(fit.points == 5)
        #expect(fit.clippedFrom == nil)
    }

    // Exact data spend = 2 * V^1.3: the raw exponent 1.3 is clipped to 1 and the
    // scale refitted as exp(mean(ln spend - 1 * ln V)) = exp(mean(ln 2 + 0.3 ln V))
    // = 2 * (geometric mean of V)^0.3. For V = 10, 100, 1000 the geometric mean
    // is 100, so k = 2 * 100^0.3 = 7.962143411...
    @Test("an exponent above 1 is clipped to 1 and the scale refitted")
    func fitClipsAboveOne() throws {
        let volumes: [Double] = [10, 100, 1_000]
        let fit = try #require(CurveFit.fit(spend: volumes.map { 2 * pow($0, 1.3) }, volume: volumes))
        #expect(fit.exponent == 1)
        #expect(abs((fit.clippedFrom ?? 0) - 1.3) < 1e-9)
        #expect(abs(fit.scale - 2 * pow(100, 0.3)) < 1e-9)
        #expect(abs(fit.scale - 7.962143411069944) < 1e-9)
    }

    // Exact data spend = 5 * V^0.01: clipped up to 0.05, scale
    // exp(mean(ln 5 + 0.01 ln V - 0.05 ln V)) = 5 * (geometric mean)^-0.04.
    @Test("an exponent below 0.05 is clipped to 0.05 and the scale refitted")
    func fitClipsBelowMinimum() throws {
        let volumes: [Double] = [10, 100, 1_000]
        let fit = try #require(CurveFit.fit(spend: volumes.map { 5 * pow($0, 0.01) }, volume: volumes))
        #expect(fit.exponent == 0.05)
        #expect(abs((fit.clippedFrom ?? 0) - 0.01) < 1e-9)
        #expect(abs(fit.scale - 5 * pow(100, -0.04)) < 1e-9)
    }

    // Rows with spend or volume 0 (or below) are left out: the fit on the rest
    // is still exact.
    @Test("rows without positive spend and volume are ignored")
    func fitIgnoresNonPositiveRows() throws {
        let fit = try #require(CurveFit.fit(spend: [0, 4 * pow(10, 0.9), 4 * pow(1000, 0.9), 17],
                                            volume: [50, 10, 1000, 0]))
        #expect(fit.points == 2)
        #expect(abs(fit.exponent - 0.9) < 1e-9)
        #expect(abs(fit.scale - 4) < 1e-9)
        #expect(CurveFit.fit(spend: [5, 0], volume: [10, 20]) == nil)
        #expect(CurveFit.fit(spend: [5, 7], volume: [10, 10]) == nil)
    }

    // With noise, the least-squares answer has a closed form: for x = ln V, y = ln spend,
    // b = Σ(x - x̄)(y - ȳ) / Σ(x - x̄)², ln k = ȳ - b x̄. The brute force's fit is written
    // from that formula independently.
    @Test("the fit matches the least-squares formula on noisy data")
    func fitMatchesFormula() throws {
        let volumes: [Double] = [1_000, 2_500, 7_000, 20_000]
        let spend: [Double] = [9_000, 19_500, 51_000, 120_000]
        let fit = try #require(CurveFit.fit(spend: spend, volume: volumes))
        let own = try #require(BruteForce.fitPower(spend: spend, volume: volumes))
        #expect(abs(fit.exponent - own.exponent) < 1e-12)
        #expect(abs(fit.scale - own.scale) <= 1e-9 * own.scale)
        #expect(fit.exponent > 0.8 && fit.exponent < 0.95)
    }

    // A service without a curve: Problem fits one to its spend rows (all of
    // them, also those of councils that cannot share it), and the plan JSON says so.
    @Test("a service without a curve gets the fitted power curve")
    func problemFitsAbsentCurve() throws {
        var instance = Instance(name: "fitted")
        instance.councils = ["A", "B", "C"].map { Tiny.council($0) }
        instance.services = [Instance.Service(id: "legal", name: "Legal")]
        let volumes: [Double] = [1_000, 8_000, 27_000]
        for (id, volume) in zip(["A", "B", "C"], volumes) {
            instance.spend.append(Instance.Spend(council: id, service: "legal", spend: 6 * pow(volume, 2.0 / 3), volume: volume))
        }
        instance.optOut = [Instance.OptOut(council: "C", service: "legal")]
        let problem = try Problem(instance: instance, file: "fitted.json")
        guard case let .power(scale, exponent) = problem.services[0].curve else {
            Issue.record("expected a power curve, got \(problem.services[0].curve)")
            return
        }
        #expect(abs(exponent - 2.0 / 3) < 1e-9)
        #expect(abs(scale - 6) < 1e-6)
        #expect(problem.services[0].fit?.points == 3)
        let plan = ExactSolver(problem: problem).solve()
        let json = JSONWriter.write(plan.jsonValue(problem: problem))
        #expect(json.contains("\"fitted\": true"))
    }
}

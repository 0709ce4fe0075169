// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The annual cost of delivering a service for a pooled volume `V` (MODEL.md §1).
///
/// - `piecewise`: through the points `(V_k, C_k)` with `V_0 = 0`, concave and
///   non-decreasing, extended past the last point with the last slope.
/// - `power`: `C(V) = scale * V^exponent`, `0 < exponent <= 1`.
///
/// Both are concave and non-decreasing, which the group enumerator's bounds
/// rely on. Costs are always evaluated exactly; CouncilShare never replaces a
/// curve by an approximation (its formulation prices whole groups).
public enum CostCurve: Equatable, Sendable {
    case piecewise(volumes: [Double], costs: [Double])
    case power(scale: Double, exponent: Double)

    public func cost(_ volume: Double) -> Double {
        switch self {
        case let .power(scale, exponent):
            return volume <= 0 ? 0 : scale * Foundation.pow(volume, exponent)
        case let .piecewise(volumes, costs):
            let count = volumes.count
            if volume <= 0 { return costs[0] }
            // Last segment covers everything beyond the last point.
            var low = 0, high = count - 1
            if volume >= volumes[count - 1] {
                low = count - 2
            } else {
                while high - low > 1 {
                    let middle = (low + high) / 2
                    if volumes[middle] <= volume { low = middle } else { high = middle }
                }
            }
            let slope = (costs[low + 1] - costs[low]) / (volumes[low + 1] - volumes[low])
            return costs[low] + slope * (volume - volumes[low])
        }
    }
}

/// How a fitted power curve came out (MODEL.md §1: least squares of
/// `ln spend` on `ln volume`, exponent clipped to [0.05, 1]).
public struct CurveFit: Equatable, Sendable {
    public var scale: Double
    public var exponent: Double
    /// Coefficient of determination of the unclipped log-log fit.
    public var rSquared: Double
    public var points: Int
    /// The unclipped exponent, when clipping changed it.
    public var clippedFrom: Double?

    /// Fits `ln spend = ln k + b ln volume` to the rows with positive spend
    /// and volume. Returns nil when fewer than two rows have distinct volumes.
    public static func fit(spend: [Double], volume: [Double]) -> CurveFit? {
        var xs: [Double] = [], ys: [Double] = []
        for (cost, amount) in zip(spend, volume) where cost > 0 && amount > 0 {
            xs.append(Foundation.log(amount))
            ys.append(Foundation.log(cost))
        }
        guard xs.count >= 2 else { return nil }
        let n = Double(xs.count)
        let meanX = xs.reduce(0, +) / n, meanY = ys.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for (x, y) in zip(xs, ys) {
            sxx += (x - meanX) * (x - meanX)
            sxy += (x - meanX) * (y - meanY)
            syy += (y - meanY) * (y - meanY)
        }
        guard sxx > 1e-12 else { return nil }
        let slope = sxy / sxx
        let rSquared = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1
        var exponent = slope
        var clippedFrom: Double?
        if slope < 0.05 || slope > 1 {
            exponent = min(1, max(0.05, slope))
            clippedFrom = slope
        }
        var sum = 0.0
        for (x, y) in zip(xs, ys) { sum += y - exponent * x }
        let scale = Foundation.exp(sum / n)
        return CurveFit(scale: scale, exponent: exponent, rSquared: rSquared, points: xs.count, clippedFrom: clippedFrom)
    }
}

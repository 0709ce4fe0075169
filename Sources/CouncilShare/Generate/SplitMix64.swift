// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// A small, fast, seedable generator (SplitMix64), so that the same seed
/// gives the same instance on every machine and Swift version.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }
    /// Standard normal (Box-Muller).
    public mutating func normal() -> Double {
        let u = max(unit(), 1e-300), v = unit()
        return sqrt(-2 * log(u)) * cos(2 * Double.pi * v)
    }
    public mutating func below(_ count: Int) -> Int { Int(next() % UInt64(count)) }
    public mutating func pick<T>(_ weighted: [(T, Double)]) -> T {
        let total = weighted.reduce(0) { $0 + $1.1 }
        var draw = unit() * total
        for (value, weight) in weighted {
            draw -= weight
            if draw < 0 { return value }
        }
        return weighted[weighted.count - 1].0
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

public enum Geography {
    /// Earth radius used for every distance (MODEL.md §1).
    public static let earthRadiusKm = 6371.0

    /// Great-circle distance by the haversine formula, in km.
    public static func haversineKm(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
        let radians = Double.pi / 180
        let dLat = (lat2 - lat1) * radians, dLon = (lon2 - lon1) * radians
        let a = sin(dLat / 2) * sin(dLat / 2)
            + cos(lat1 * radians) * cos(lat2 * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadiusKm * asin(min(1, sqrt(a)))
    }
}

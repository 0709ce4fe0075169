// SPDX-License-Identifier: GPL-3.0-or-later

/// The frontier as a self-contained SVG chart: the saving `S(k)` in GBP a
/// year against the number of agreements `k`, as a step line through the
/// points (filled: proven optimal; hollow, with a bar up to the bound: best
/// found within the limits), axes with ticks and labels, and the target as a
/// dashed line when there is one. Points without a plan are left out. No
/// scripts, fonts or external references; every text is XML-escaped.
public enum FrontierChart {
    static let width = 760.0, height = 460.0
    static let left = 100.0, right = 40.0, top = 56.0, bottom = 64.0
    static let ink = "#1f5fa8", targetInk = "#c0392b", gridInk = "#e3e3e3", textInk = "#222222"

    public static func svg(_ frontier: Frontier) -> String {
        let plotted = frontier.points.filter { $0.plan.status == .optimal || $0.plan.status == .feasible }
        let highest = plotted.flatMap { [$0.plan.totalSaving] + ($0.plan.bound.map { [$0] } ?? []) }
            .filter(\.isFinite).max() ?? 0
        let xTicks = ticks(upTo: Double(max(1, frontier.points.map(\.groupLimit).max() ?? 1)), integral: true)
        let yTicks = ticks(upTo: max(1, highest, frontier.targetSaving ?? 0), integral: false)
        let xMax = xTicks.last!, yMax = yTicks.last!
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ value: Double) -> Double { left + value / xMax * plotWidth }
        func y(_ value: Double) -> Double { top + plotHeight - max(0, value) / yMax * plotHeight }

        var out: [String] = []
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" fill=\"\(textInk)\">")
        let title = "Saving against agreements: \(frontier.instance)"
        out.append("<title>\(escape(title))</title>")
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>")
        out.append(text(title, x: left, y: 24, attributes: "font-size=\"15\" font-weight=\"bold\""))

        // Grid, ticks and tick labels.
        for value in yTicks {
            out.append(line(left, y(value), left + plotWidth, y(value), stroke: gridInk))
            out.append(text(compactGBP(value), x: left - 8, y: y(value) + 4, attributes: "text-anchor=\"end\""))
        }
        for value in xTicks {
            out.append(line(x(value), top + plotHeight, x(value), top + plotHeight + 5, stroke: textInk))
            out.append(text(n(value), x: x(value), y: top + plotHeight + 19, attributes: "text-anchor=\"middle\""))
        }
        out.append(line(left, top, left, top + plotHeight, stroke: textInk))
        out.append(line(left, top + plotHeight, left + plotWidth, top + plotHeight, stroke: textInk))
        out.append(text("Agreements k (groups over all services, at most k)", x: left + plotWidth / 2, y: height - 18,
                        attributes: "text-anchor=\"middle\""))
        out.append(text("Annual saving (GBP)", x: 0, y: 0,
                        attributes: "text-anchor=\"middle\" transform=\"translate(24 \(n(top + plotHeight / 2))) rotate(-90)\""))

        if let target = frontier.targetSaving {
            out.append(line(left, y(target), left + plotWidth, y(target), stroke: targetInk,
                            attributes: "stroke-dasharray=\"6 4\" stroke-width=\"1.5\""))
            out.append(text("target \(PlanTable.gbp(target))", x: left + plotWidth - 4, y: y(target) - 6,
                            attributes: "text-anchor=\"end\" fill=\"\(targetInk)\""))
        }

        if plotted.isEmpty {
            out.append(text("no plan found", x: left + plotWidth / 2, y: top + plotHeight / 2, attributes: "text-anchor=\"middle\""))
        } else {
            // The step line: S(k) holds from one point until the next.
            var path = "M \(n(x(Double(plotted[0].groupLimit)))) \(n(y(plotted[0].plan.totalSaving)))"
            for point in plotted.dropFirst() {
                path += " H \(n(x(Double(point.groupLimit)))) V \(n(y(point.plan.totalSaving)))"
            }
            out.append("<path d=\"\(path)\" fill=\"none\" stroke=\"\(ink)\" stroke-width=\"2\"/>")
            for point in plotted {
                let cx = x(Double(point.groupLimit)), cy = y(point.plan.totalSaving)
                let optimal = point.plan.status == .optimal
                if !optimal, let bound = point.plan.bound, bound.isFinite {
                    out.append(line(cx, cy, cx, y(bound), stroke: ink, attributes: "stroke-width=\"1\" opacity=\"0.6\""))
                    out.append(line(cx - 4, y(bound), cx + 4, y(bound), stroke: ink, attributes: "stroke-width=\"1\" opacity=\"0.6\""))
                }
                var tip = "at most \(point.groupLimit): \(PlanTable.gbp(point.plan.totalSaving)) with "
                    + "\(point.plan.groupCount) group\(point.plan.groupCount == 1 ? "" : "s"), \(point.plan.status.rawValue)"
                if !optimal, let bound = point.plan.bound { tip += ", bound \(PlanTable.gbp(bound))" }
                out.append("<g><title>\(escape(tip))</title><circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"4\" "
                    + "fill=\"\(optimal ? ink : "#ffffff")\" stroke=\"\(ink)\" stroke-width=\"1.5\"/></g>")
            }
        }

        // Legend, above the plot on the right.
        let legendY = 42.0
        var legendX = left + plotWidth - 420
        out.append("<circle cx=\"\(n(legendX))\" cy=\"\(n(legendY - 4))\" r=\"4\" fill=\"\(ink)\" stroke=\"\(ink)\"/>")
        out.append(text("proven optimal", x: legendX + 9, y: legendY))
        legendX += 110
        out.append("<circle cx=\"\(n(legendX))\" cy=\"\(n(legendY - 4))\" r=\"4\" fill=\"#ffffff\" stroke=\"\(ink)\" stroke-width=\"1.5\"/>")
        out.append(text("best found (bar: up to its bound)", x: legendX + 9, y: legendY))
        if frontier.targetSaving != nil {
            legendX += 215
            out.append(line(legendX - 6, legendY - 4, legendX + 14, legendY - 4, stroke: targetInk,
                            attributes: "stroke-dasharray=\"6 4\" stroke-width=\"1.5\""))
            out.append(text("target", x: legendX + 19, y: legendY))
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// Tick values from 0 to at least `maximum`, in steps of 1, 2 or 5 times
    /// a power of ten: about six of them, or for whole numbers (`integral`)
    /// up to twelve, so that a short frontier gets a tick for every `k`.
    static func ticks(upTo maximum: Double, integral: Bool) -> [Double] {
        let raw = maximum / (integral ? 12 : 6)
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw && magnitude > 1e-9 { magnitude /= 10 }
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        if integral { step = max(1, step.rounded(.up)) }
        let count = Int((maximum / step).rounded(.up))
        return (0...max(1, count)).map { Double($0) * step }
    }

    /// `£0`, `£250k`, `£1.5m`, `£2.25bn`: short labels for the money axis.
    static func compactGBP(_ value: Double) -> String {
        func trimmed(_ number: Double) -> String {
            var text = PlanTable.fixed(number, 2)
            while text.hasSuffix("0") && text.contains(".") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text
        }
        switch abs(value) {
        case 1e9...: return "£" + trimmed(value / 1e9) + "bn"
        case 1e6...: return "£" + trimmed(value / 1e6) + "m"
        case 1e3...: return "£" + trimmed(value / 1e3) + "k"
        default: return "£" + trimmed(value)
        }
    }

    /// Text for XML character data and attribute values (control characters become spaces).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // Control characters are not allowed in XML 1.0, even escaped.
            case _ where character.unicodeScalars.contains { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }:
                out += " "
            default: out.append(character)
            }
        }
        return out
    }

    static func n(_ value: Double) -> String { JSONWriter.formatNumber((value * 10).rounded() / 10) }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, attributes: String = "") -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\""
            + (attributes.isEmpty ? "" : " " + attributes) + "/>"
    }

    static func text(_ content: String, x: Double, y: Double, attributes: String = "") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\"" + (attributes.isEmpty ? "" : " " + attributes) + ">\(escape(content))</text>"
    }
}

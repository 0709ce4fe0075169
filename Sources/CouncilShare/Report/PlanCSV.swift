// SPDX-License-Identifier: GPL-3.0-or-later

/// The plan as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted
/// when they hold a comma, quote or line break, quotes doubled), one row per
/// council and service in scope (the council has a spend row for it).
///
/// Columns: `council_id`, `council_name`, `service_id`, `group_id` (blank when
/// the council keeps the service in-house), `host_id`, `host_name`,
/// `members_count`, `members` (ids, `;`-separated, host included),
/// `member_names` (`; `-separated), `saving_share_gbp` (pence, as the plan
/// JSON's `member_savings`), `saving_share_percent_of_spend`. Rows are in
/// service order, then council order of the instance.
public enum PlanCSV {
    public static let header = [
        "council_id", "council_name", "service_id", "group_id", "host_id", "host_name",
        "members_count", "members", "member_names", "saving_share_gbp", "saving_share_percent_of_spend",
    ]

    public static func render(_ plan: Plan, problem: Problem) -> String {
        let shares = PlanShares(plan: plan, problem: problem)
        var rows = [header]
        for (serviceIndex, service) in problem.services.enumerated() {
            for entry in shares.entries[serviceIndex].compactMap({ $0 }) {
                let council = problem.councils[entry.council]
                var row = [council.id, council.name, service.id]
                if let group = shares.group(service: serviceIndex, council: entry.council) {
                    let host = problem.councils[group.column.host]
                    let members = group.column.members.map { problem.councils[$0] }
                    row += [group.id, host.id, host.name, String(members.count),
                            members.map(\.id).joined(separator: ";"), members.map(\.name).joined(separator: "; ")]
                } else {
                    row += ["", "", "", "", "", ""]
                }
                row += [PlanTable.fixed(entry.share, 2), PlanTable.fixed(entry.shareOfSpend * 100, 4)]
                rows.append(row)
            }
        }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// One field, quoted when it must be (RFC 4180 §2.6-2.7) or when it has
    /// leading or trailing spaces that a spreadsheet would otherwise trim.
    public static func field(_ text: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character in Swift.
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || text.hasPrefix(" ") || text.hasSuffix(" ")
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

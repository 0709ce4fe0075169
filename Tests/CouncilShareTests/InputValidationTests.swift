// SPDX-License-Identifier: GPL-3.0-or-later
// Bad input: every error is an InputError that names the file, the record and
// the field (and the line, for JSON syntax), never a crash.
import Foundation
import Testing
@testable import CouncilShare

/// A small valid instance as JSON text, one record a line, with parts replaceable.
/// Line numbers: 1 `{`, 2 name, 3 `"councils": [`, 4-6 councils A, B, C,
/// 7 `],`, 8 `"services": [`, 9 the service, 10 `],`, 11 `"spend": [`,
/// 12-14 spend rows, 15 `]`, then one line per extra top-level field.
enum TinyJSON {
    static let councils = [
        #"{"id": "A", "name": "Alpha", "lat": 53.0, "lon": -2.0, "tier": "district", "party": "LAB", "population": 100000}"#,
        #"{"id": "B", "name": "Beta", "lat": 53.1, "lon": -2.1, "tier": "district", "party": "CON", "population": 120000}"#,
        #"{"id": "C", "name": "Gamma", "lat": 53.2, "lon": -2.2, "tier": "unitary", "party": "REF", "population": 90000}"#,
    ]
    static let service = #"{"id": "legal", "name": "Legal", "cost_curve": {"power": {"scale": 50, "exponent": 0.9}}}"#
    static let spend = [
        #"{"council": "A", "service": "legal", "spend": 1000000, "volume": 100000}"#,
        #"{"council": "B", "service": "legal", "spend": 1100000}"#,
        #"{"council": "C", "service": "legal", "spend": 900000, "volume": 90000}"#,
    ]

    static func text(councils: [String] = councils, services: [String] = [service], spend: [String] = spend,
                      extra: [String] = []) -> String {
        var lines = ["{", #"  "name": "tiny","#, #"  "councils": ["#]
        lines += councils.enumerated().map { "    " + $1 + ($0 + 1 < councils.count ? "," : "") }
        lines += ["  ],", #"  "services": ["#]
        lines += services.enumerated().map { "    " + $1 + ($0 + 1 < services.count ? "," : "") }
        lines += ["  ],", #"  "spend": ["#]
        lines += spend.enumerated().map { "    " + $1 + ($0 + 1 < spend.count ? "," : "") }
        lines.append(extra.isEmpty ? "  ]" : "  ],")
        lines += extra.enumerated().map { "  " + $1 + ($0 + 1 < extra.count ? "," : "") }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func service(_ extraFields: String, curve: String? = #""cost_curve": {"power": {"scale": 50, "exponent": 0.9}}"#) -> String {
        "{" + ([#""id": "legal", "name": "Legal""#] + (curve.map { [$0] } ?? []) + (extraFields.isEmpty ? [] : [extraFields]))
            .joined(separator: ", ") + "}"
    }

    static func replacing(_ list: [String], _ index: Int, _ old: String, _ new: String) -> [String] {
        var list = list
        precondition(list[index].contains(old), "\(old) not in \(list[index])")
        list[index] = list[index].replacingOccurrences(of: old, with: new)
        return list
    }
}

/// Reads and validates like `InstanceLoader.load`; returns the error, if any.
func inputError(_ text: String, file: String = "bad.json") -> InputError? {
    do {
        let instance = try Instance.from(json: text, file: file)
        _ = try Problem(instance: instance, file: file)
        return nil
    } catch let error as InputError {
        return error
    } catch {
        Issue.record("not an InputError: \(error)")
        return nil
    }
}

@Suite("Invalid input is reported with file, record and field")
struct InputValidationTests {
    struct BadInput: Sendable, CustomTestStringConvertible {
        var label: String
        var text: String
        var record: String
        /// The field the error must name; nil for an error about the record as a
        /// whole (a duplicate row, a contradictory pair), where it is not asserted.
        var field: String?
        /// Words the message must contain.
        var message: String
        var line: Int?
        var testDescription: String { label }
    }

    static let c = TinyJSON.councils
    static let s = TinyJSON.spend

    static let cases: [BadInput] = [
        // Structure and types (the JSON reader).
        .init(label: "unknown top-level field", text: TinyJSON.text(extra: [#""objectve": "max_saving""#]),
              record: "instance", field: "objectve", message: "unknown field", line: 16),
        .init(label: "unknown council field", text: TinyJSON.text(councils: TinyJSON.replacing(c, 1, "population", "populaton")),
              record: "councils[1]", field: "populaton", message: "unknown field", line: 5),
        .init(label: "unknown field in a spend row", text: TinyJSON.text(spend: TinyJSON.replacing(s, 2, "\"volume\"", "\"volumes\"")),
              record: "spend[2]", field: "volumes", message: "unknown field", line: 14),
        .init(label: "latitude as a string", text: TinyJSON.text(councils: TinyJSON.replacing(c, 0, "53.0", "\"53.0\"")),
              record: "councils[0] (A)", field: "lat", message: "expected a number", line: 4),
        .init(label: "max_members as a string", text: TinyJSON.text(services: [TinyJSON.service(#""max_members": "4""#)]),
              record: "services[0] (legal)", field: "max_members", message: "expected a number", line: 9),
        .init(label: "contiguous not a boolean", text: TinyJSON.text(services: [TinyJSON.service(#""contiguous": "yes""#)]),
              record: "services[0] (legal)", field: "contiguous", message: "expected true or false"),
        .init(label: "tiers not a list", text: TinyJSON.text(services: [TinyJSON.service(#""tiers": "district""#)]),
              record: "services[0] (legal)", field: "tiers", message: "expected a list"),
        .init(label: "spend as a string", text: TinyJSON.text(spend: TinyJSON.replacing(s, 0, "1000000", "\"1000000\"")),
              record: "spend[0] (council A, service legal)", field: "spend", message: "expected a number", line: 12),
        .init(label: "missing required name", text: TinyJSON.text().replacingOccurrences(of: #"  "name": "tiny","# + "\n", with: ""),
              record: "instance", field: "name", message: "required"),
        .init(label: "council without a name", text: TinyJSON.text(councils: TinyJSON.replacing(c, 2, #""name": "Gamma", "#, "")),
              record: "councils[2] (C)", field: "name", message: "required"),
        .init(label: "keep_together without a service",
              text: TinyJSON.text(extra: [#""keep_together": [{"a": "A", "b": "B"}]"#]),
              record: "keep_together[0]", field: "service", message: "required"),
        .init(label: "unknown objective", text: TinyJSON.text(extra: [#""objective": "fewest""#]),
              record: "instance", field: "objective", message: "unknown objective"),
        .init(label: "both points and power",
              text: TinyJSON.text(services: [TinyJSON.service("", curve: #""cost_curve": {"points": [[0, 0], [1, 1]], "power": {"scale": 1, "exponent": 1}}"#)]),
              record: "services[0] (legal).cost_curve", field: nil, message: "exactly one"),

        // Numbers out of range.
        .init(label: "negative volume", text: TinyJSON.text(spend: TinyJSON.replacing(s, 2, "\"volume\": 90000", "\"volume\": -90000")),
              record: "spend[2] (council C, service legal)", field: "volume", message: "at least 0"),
        .init(label: "negative spend", text: TinyJSON.text(spend: TinyJSON.replacing(s, 0, "1000000", "-5")),
              record: "spend[0] (council A, service legal)", field: "spend", message: "at least 0"),
        .init(label: "no volume and no population to default to",
              text: TinyJSON.text(councils: TinyJSON.replacing(c, 1, #", "population": 120000"#, "")),
              record: "spend[1] (council B, service legal)", field: "volume", message: "no population"),
        .init(label: "latitude out of range", text: TinyJSON.text(councils: TinyJSON.replacing(c, 0, "53.0", "95")),
              record: "councils[0] (A)", field: "lat", message: "latitude"),
        .init(label: "negative population", text: TinyJSON.text(councils: TinyJSON.replacing(c, 0, "100000", "-1")),
              record: "councils[0] (A)", field: "population", message: "at least 0"),
        .init(label: "max_members 1", text: TinyJSON.text(services: [TinyJSON.service(#""max_members": 1"#)]),
              record: "services[0] (legal)", field: "max_members", message: "2"),
        .init(label: "max_members not whole", text: TinyJSON.text(services: [TinyJSON.service(#""max_members": 2.5"#)]),
              record: "services[0] (legal)", field: "max_members", message: "whole number"),
        .init(label: "setup_years 0", text: TinyJSON.text(services: [TinyJSON.service(#""setup_years": 0"#)]),
              record: "services[0] (legal)", field: "setup_years", message: "positive"),
        .init(label: "negative distance cost", text: TinyJSON.text(services: [TinyJSON.service(#""distance_cost_per_km": -1"#)]),
              record: "services[0] (legal)", field: "distance_cost_per_km", message: "at least 0"),
        .init(label: "negative max distance", text: TinyJSON.text(services: [TinyJSON.service(#""max_distance_km": -3"#)]),
              record: "services[0] (legal)", field: "max_distance_km", message: "at least 0"),
        .init(label: "negative distance", text: TinyJSON.text(extra: [#""distances": [{"a": "A", "b": "B", "km": -2}]"#]),
              record: "distances[0] (A, B)", field: "km", message: "at least 0"),
        .init(label: "min_group_saving_fraction 1", text: TinyJSON.text(extra: [#""min_group_saving_fraction": 1"#]),
              record: "instance", field: "min_group_saving_fraction", message: "[0, 1)"),

        // References to councils and services that do not exist.
        .init(label: "unknown council in spend",
              text: TinyJSON.text(spend: s + [#"{"council": "Z", "service": "legal", "spend": 5, "volume": 1}"#]),
              record: "spend[3] (council Z, service legal)", field: "council", message: "unknown council \"Z\""),
        .init(label: "unknown service in spend",
              text: TinyJSON.text(spend: s + [#"{"council": "A", "service": "legl", "spend": 5, "volume": 1}"#]),
              record: "spend[3] (council A, service legl)", field: "service", message: "unknown service \"legl\""),
        .init(label: "unknown council in forbidden_pairs", text: TinyJSON.text(extra: [#""forbidden_pairs": [{"a": "A", "b": "Z"}]"#]),
              record: "forbidden_pairs[0] (A, Z)", field: "b", message: "unknown council \"Z\""),
        .init(label: "unknown service in forbidden_pairs",
              text: TinyJSON.text(extra: [#""forbidden_pairs": [{"a": "A", "b": "B", "service": "legl"}]"#]),
              record: "forbidden_pairs[0] (A, B)", field: "service", message: "unknown service \"legl\""),
        .init(label: "unknown council in keep_together",
              text: TinyJSON.text(extra: [#""keep_together": [{"a": "Z", "b": "B", "service": "legal"}]"#]),
              record: "keep_together[0] (Z, B)", field: "a", message: "unknown council \"Z\""),
        .init(label: "unknown service in keep_together",
              text: TinyJSON.text(extra: [#""keep_together": [{"a": "A", "b": "B", "service": "legl"}]"#]),
              record: "keep_together[0] (A, B)", field: "service", message: "unknown service \"legl\""),
        .init(label: "unknown council in opt_out", text: TinyJSON.text(extra: [#""opt_out": [{"council": "Z", "service": "legal"}]"#]),
              record: "opt_out[0]", field: "council", message: "unknown council \"Z\""),
        .init(label: "unknown service in opt_out", text: TinyJSON.text(extra: [#""opt_out": [{"council": "A", "service": "legl"}]"#]),
              record: "opt_out[0]", field: "service", message: "unknown service \"legl\""),
        .init(label: "unknown council in adjacency", text: TinyJSON.text(extra: [#""adjacency": [["A", "Z"]]"#]),
              record: "adjacency[0] (A, Z)", field: "b", message: "unknown council \"Z\""),
        .init(label: "unknown council in distances", text: TinyJSON.text(extra: [#""distances": [{"a": "Z", "b": "B", "km": 3}]"#]),
              record: "distances[0] (Z, B)", field: "a", message: "unknown council \"Z\""),

        // Duplicates.
        .init(label: "duplicate council id", text: TinyJSON.text(councils: TinyJSON.replacing(c, 1, #""id": "B""#, #""id": "A""#)),
              record: "councils[1] (A)", field: "id", message: "duplicate council id A"),
        .init(label: "duplicate service id", text: TinyJSON.text(services: [TinyJSON.service, TinyJSON.service]),
              record: "services[1] (legal)", field: "id", message: "duplicate service id legal"),
        .init(label: "duplicate spend row", text: TinyJSON.text(spend: s + [#"{"council": "A", "service": "legal", "spend": 5}"#]),
              record: "spend[3] (council A, service legal)", field: nil, message: "duplicate spend row"),
        .init(label: "contradictory distances",
              text: TinyJSON.text(extra: [#""distances": [{"a": "A", "b": "B", "km": 5}, {"a": "B", "b": "A", "km": 6}]"#]),
              record: "distances[1] (B, A)", field: "km", message: "contradicts"),

        // Cost curves.
        .init(label: "non-concave piecewise curve",
              text: TinyJSON.text(services: [TinyJSON.service("", curve: #""cost_curve": {"points": [[0, 0], [100, 500], [200, 1200]]}"#)]),
              record: "services[0] (legal)", field: "cost_curve.points", message: "concave"),
        .init(label: "piecewise curve not starting at volume 0",
              text: TinyJSON.text(services: [TinyJSON.service("", curve: #""cost_curve": {"points": [[10, 0], [100, 500]]}"#)]),
              record: "services[0] (legal)", field: "cost_curve.points", message: "volume 0"),
        .init(label: "piecewise curve with a falling cost",
              text: TinyJSON.text(services: [TinyJSON.service("", curve: #""cost_curve": {"points": [[0, 0], [100, 500], [200, 400]]}"#)]),
              record: "services[0] (legal)", field: "cost_curve.points", message: "must not decrease"),
        .init(label: "piecewise volumes not increasing",
              text: TinyJSON.text(services: [TinyJSON.service("", curve: #""cost_curve": {"points": [[0, 0], [100, 500], [100, 600]]}"#)]),
              record: "services[0] (legal)", field: "cost_curve.points", message: "strictly increase"),
        .init(label: "power exponent above 1",
              text: TinyJSON.text(services: [TinyJSON.service("", curve: #""cost_curve": {"power": {"scale": 50, "exponent": 1.2}}"#)]),
              record: "services[0] (legal)", field: "cost_curve.power.exponent", message: "(0, 1]"),
        .init(label: "power exponent 0",
              text: TinyJSON.text(services: [TinyJSON.service("", curve: #""cost_curve": {"power": {"scale": 50, "exponent": 0}}"#)]),
              record: "services[0] (legal)", field: "cost_curve.power.exponent", message: "(0, 1]"),
        .init(label: "power scale negative",
              text: TinyJSON.text(services: [TinyJSON.service("", curve: #""cost_curve": {"power": {"scale": -50, "exponent": 0.9}}"#)]),
              record: "services[0] (legal)", field: "cost_curve.power.scale", message: "positive"),
        .init(label: "no curve and too few rows to fit one",
              text: TinyJSON.text(services: [TinyJSON.service("", curve: nil)], spend: [s[0]]),
              record: "services[0] (legal)", field: "cost_curve", message: "cannot be fitted"),

        // Contradictory rules.
        .init(label: "keep_together of a forbidden pair",
              text: TinyJSON.text(extra: [#""forbidden_pairs": [{"a": "B", "b": "A", "service": "legal"}]"#,
                                          #""keep_together": [{"a": "A", "b": "B", "service": "legal"}]"#]),
              record: "keep_together[0] (A, B)", field: nil, message: "forbidden"),
        .init(label: "keep_together with an opted-out council",
              text: TinyJSON.text(extra: [#""keep_together": [{"a": "A", "b": "B", "service": "legal"}]"#,
                                          #""opt_out": [{"council": "B", "service": "legal"}]"#]),
              record: "keep_together[0] (A, B)", field: "b", message: "opted out"),
        .init(label: "keep_together of incompatible parties",
              text: TinyJSON.text(extra: [#""incompatible_parties": [["CON", "LAB"]]"#,
                                          #""keep_together": [{"a": "A", "b": "B", "service": "legal"}]"#]),
              record: "keep_together[0] (A, B)", field: nil, message: "incompatible"),
        .init(label: "keep_together with a council of an excluded tier",
              text: TinyJSON.text(services: [TinyJSON.service(#""tiers": ["district"]"#)],
                                  extra: [#""keep_together": [{"a": "C", "b": "A", "service": "legal"}]"#]),
              record: "keep_together[0] (C, A)", field: "a", message: "tier"),
        .init(label: "keep_together beyond max_members",
              text: TinyJSON.text(services: [TinyJSON.service(#""max_members": 2"#)],
                                  extra: [#""keep_together": [{"a": "A", "b": "B", "service": "legal"}, {"a": "B", "b": "C", "service": "legal"}]"#]),
              record: "keep_together (service legal: A, B, C)", field: nil, message: "max_members is 2"),
        .init(label: "keep_together beyond max_distance_km",
              text: TinyJSON.text(services: [TinyJSON.service(#""max_distance_km": 1"#)],
                                  extra: [#""keep_together": [{"a": "A", "b": "B", "service": "legal"}]"#]),
              record: "keep_together (service legal: A, B)", field: nil, message: "km"),
        .init(label: "party incompatible with itself", text: TinyJSON.text(extra: [#""incompatible_parties": [["LAB", "LAB"]]"#]),
              record: "incompatible_parties[0]", field: nil, message: "itself"),
        .init(label: "incompatible_parties not a pair", text: TinyJSON.text(extra: [#""incompatible_parties": [["LAB"]]"#]),
              record: "incompatible_parties[0]", field: nil, message: "pair"),
        .init(label: "a council forbidden from itself", text: TinyJSON.text(extra: [#""forbidden_pairs": [{"a": "A", "b": "A"}]"#]),
              record: "forbidden_pairs[0] (A, A)", field: "b", message: "itself"),

        // Targets and objectives.
        .init(label: "min_groups without a target", text: TinyJSON.text(extra: [#""objective": "min_groups""#]),
              record: "instance", field: "objective", message: "needs a target"),
        .init(label: "target fraction above 1", text: TinyJSON.text(extra: [#""target": {"min_saving_fraction": 1.5}"#]),
              record: "target", field: "min_saving_fraction", message: "[0, 1]"),
        .init(label: "negative target", text: TinyJSON.text(extra: [#""target": {"min_saving": -10}"#]),
              record: "target", field: "min_saving", message: "at least 0"),
        .init(label: "target with both forms",
              text: TinyJSON.text(extra: [#""target": {"min_saving": 10, "min_saving_fraction": 0.1}"#]),
              record: "target", field: "min_saving_fraction", message: "not both"),
        .init(label: "target with neither form", text: TinyJSON.text(extra: [#""target": {}"#]),
              record: "target", field: nil, message: "min_saving"),
        .init(label: "no councils", text: TinyJSON.text(councils: [], spend: []),
              record: "instance", field: "councils", message: "at least one"),
    ]

    @Test("the tiny instance itself is valid")
    func baseIsValid() throws {
        let instance = try Instance.from(json: TinyJSON.text(), file: "tiny.json")
        let problem = try Problem(instance: instance, file: "tiny.json")
        #expect(problem.councils.map(\.id) == ["A", "B", "C"])
        #expect(problem.services[0].participants == [0, 1, 2])
        // B's volume defaults to its population.
        #expect(problem.services[0].volume == [100_000, 120_000, 90_000])
    }

    @Test("bad input names file, record and field", arguments: cases)
    func badInput(_ bad: BadInput) throws {
        let error = try #require(inputError(bad.text), "accepted: \(bad.label)")
        #expect(error.file == "bad.json")
        #expect(error.record == bad.record)
        if let field = bad.field { #expect(error.field == field) }
        #expect(error.message.contains(bad.message), "message: \(error.message)")
        if let line = bad.line { #expect(error.line == line) }
        // The printed form carries all of it.
        let text = error.description
        #expect(text.hasPrefix("bad.json"))
        #expect(text.contains(bad.record))
        if let field = bad.field { #expect(text.contains("field \"\(field)\"")) }
    }

    struct SyntaxCase: Sendable, CustomTestStringConvertible {
        var label: String
        var text: String
        var line: Int
        var message: String
        var testDescription: String { label }
    }

    static let syntaxCases: [SyntaxCase] = [
        .init(label: "missing comma", text: """
            {
              "name": "tiny",
              "councils": [
                {"id": "A", "name": "Alpha", "lat": 53.0, "lon": -2.0},
                {"id": "B" "name": "Beta", "lat": 53.1, "lon": -2.1}
              ]
            }
            """, line: 5, message: "expected ',' or '}'"),
        .init(label: "NaN is not JSON", text: """
            {
              "name": "tiny",
              "councils": [
                {"id": "A", "name": "Alpha", "lat": NaN, "lon": -2.0}
              ]
            }
            """, line: 4, message: "unexpected character"),
        .init(label: "Infinity is not JSON", text: "{\n\"name\": \"x\",\n\"councils\": [{\"lat\": -Infinity}]}", line: 3, message: "bad number"),
        .init(label: "trailing comma", text: "{\n  \"name\": \"tiny\",\n  \"councils\": [],\n}", line: 4, message: "field name"),
        .init(label: "repeated key", text: "{\n  \"name\": \"a\",\n  \"name\": \"b\"\n}", line: 3, message: "appears twice"),
        .init(label: "unterminated string", text: "{\n  \"name\": \"tiny\n}", line: 2, message: "control character"),
        .init(label: "number out of range", text: "{\n  \"name\": \"tiny\",\n  \"min_group_saving_fraction\": 1e999\n}", line: 3, message: "out of range"),
        .init(label: "truncated file", text: "{\n  \"name\": \"tiny\",\n  \"councils\": [", line: 3, message: "end of file"),
    ]

    @Test("invalid JSON names the file and the line", arguments: syntaxCases)
    func invalidJSON(_ bad: SyntaxCase) throws {
        let error = try #require(inputError(bad.text))
        #expect(error.file == "bad.json")
        #expect(error.line == bad.line)
        #expect(error.message.hasPrefix("invalid JSON"))
        #expect(error.message.contains(bad.message), "message: \(error.message)")
        #expect(error.description.hasPrefix("bad.json:\(bad.line):"))
    }

    @Test("the top level must be an object")
    func topLevelNotAnObject() throws {
        let error = try #require(inputError("[1, 2]"))
        #expect(error.record == "instance")
        #expect(error.message.contains("expected an object"))
    }

    @Test("InstanceLoader names a missing file")
    func missingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).json").path
        let error = #expect(throws: InputError.self) { _ = try InstanceLoader.load(path) }
        #expect(error?.file == path)
        #expect(error?.message.contains("no such file") == true)
    }

    @Test("a plan that is not a plan is an InputError naming the plan file")
    func checkerRejectsNonPlan() throws {
        let problem = try Problem(instance: try Instance.from(json: TinyJSON.text(), file: "tiny.json"), file: "tiny.json")
        let missing = #expect(throws: InputError.self) {
            _ = try PlanChecker.check(planJSON: #"{"status": "optimal"}"#, file: "plan.json", problem: problem)
        }
        #expect(missing?.file == "plan.json")
        #expect(missing?.field == "services")
        let broken = #expect(throws: InputError.self) {
            _ = try PlanChecker.check(planJSON: "{\n\"services\": [\n}", file: "plan.json", problem: problem)
        }
        #expect(broken?.file == "plan.json")
        #expect(broken?.line == 3)
    }
}

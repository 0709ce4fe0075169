// SPDX-License-Identifier: GPL-3.0-or-later
// A folder of CSV tables plus scenario YAML is an instance: malformed tables
// give an InputError naming the file, line and column; a folder and its
// imported JSON are the same instance; scenarios overlay any instance.
import Foundation
import Testing
@testable import CouncilShare

/// A small valid folder of tables, file by file, with parts replaceable.
/// Lines: 1 the header, then one row a line.
enum TinyTables {
    static let councils = """
        id,name,lat,lon,tier,party,population,controllable_spend,region
        A,Alpha,53.0,-2.0,district,LAB,100000,50000000,North West
        B,Beta,53.1,-2.1,district,CON,120000,60000000,North West
        C,Gamma,53.2,-2.2,unitary,REF,90000,70000000,
        """
    static let services = """
        id,name,exponent,scale,points,max_members,max_distance_km,distance_cost_per_km,setup_cost_per_member,setup_years,tiers,contiguous
        legal,Legal,0.9,50,,3,40,100,20000,4,district;unitary,false
        hr,HR,,,,,,,,,,true
        audit,Audit,,,0:0;100000:800000;400000:2000000,,,,,,,
        """
    static let spend = """
        council,service,spend,volume
        A,legal,1000000,100000
        B,legal,1100000,
        C,legal,900000,90000
        A,hr,700000,100000
        B,hr,800000,120000
        C,hr,650000,90000
        A,audit,300000,100000
        B,audit,310000,120000
        """
    static let rules = """
        kind,a,b,service
        forbidden_pair,A,C,
        keep_together,A,B,hr
        opt_out,C,,audit
        """
    static let neighbours = "a,b\nA,B\nB,C\n"
    static let distances = "a,b,km\nA,C,31.5\n"
    static let scenario = """
        # a comment, as planners write them
        name: tiny-tables
        description: three councils
        target: {min_saving_fraction: 0.01}   # 1% of controllable spend
        objective: min_groups
        incompatible_parties:
          - [REF, LAB]
        min_group_saving_fraction: 0.02
        """

    static func files(_ replacing: [String: String?] = [:]) -> [String: String] {
        var files: [String: String] = [
            "councils.csv": councils, "services.csv": services, "spend.csv": spend, "rules.csv": rules,
            "neighbours.csv": neighbours, "distances.csv": distances, "scenario.yaml": scenario,
        ]
        for (name, text) in replacing { files[name] = text }
        return files
    }

    /// Writes the files into a fresh temporary folder.
    static func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("councilshare-tables-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: url.appendingPathComponent(name))
        }
        return url
    }

    /// Replaces `old` by `new` on the given line (1-based) of a table.
    static func edit(_ text: String, line: Int, _ old: String, _ new: String) -> String {
        var lines = text.components(separatedBy: "\n")
        precondition(lines[line - 1].contains(old), "\(old) not on line \(line): \(lines[line - 1])")
        lines[line - 1] = lines[line - 1].replacingOccurrences(of: old, with: new)
        return lines.joined(separator: "\n")
    }
}

/// Reads and validates a folder like `InstanceLoader.load`; returns the error, if any.
func tablesError(_ files: [String: String]) throws -> InputError? {
    let folder = try TinyTables.folder(files)
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
        _ = try InstanceLoader.load(folder.path)
        return nil
    } catch let error as InputError {
        return error
    }
}

@Suite("Tables: a folder of CSV and YAML is an instance")
struct TablesTests {
    @Test func tinyFolderReadsEveryField() throws {
        let folder = try TinyTables.folder(TinyTables.files())
        defer { try? FileManager.default.removeItem(at: folder) }
        let (instance, problem) = try InstanceLoader.load(folder.path)
        #expect(instance.name == "tiny-tables")
        #expect(instance.description == "three councils")
        #expect(instance.councils.map(\.id) == ["A", "B", "C"])
        #expect(instance.councils[0] == Instance.Council(
            id: "A", name: "Alpha", lat: 53, lon: -2, tier: "district", party: "LAB", population: 100000,
            controllableSpend: 50_000_000, region: "North West"))
        #expect(instance.councils[2].region == nil)
        var legal = Instance.Service(id: "legal", name: "Legal")
        legal.costCurve = .power(scale: 50, exponent: 0.9)
        legal.maxMembers = 3
        legal.maxDistanceKm = 40
        legal.distanceCostPerKm = 100
        legal.setupCostPerMember = 20000
        legal.setupYears = 4
        legal.tiers = ["district", "unitary"]
        #expect(instance.services[0] == legal)
        #expect(instance.services[1].costCurve == .fitted)
        #expect(instance.services[1].contiguous)
        #expect(instance.services[1].maxDistanceKm == nil)
        #expect(instance.services[2].costCurve == .points([[0, 0], [100000, 800000], [400000, 2000000]]))
        #expect(instance.spend.count == 8)
        #expect(instance.spend[1] == Instance.Spend(council: "B", service: "legal", spend: 1_100_000, volume: nil))
        #expect(instance.forbiddenPairs == [Instance.Pair(a: "A", b: "C", service: nil)])
        #expect(instance.keepTogether == [Instance.Pair(a: "A", b: "B", service: "hr")])
        #expect(instance.optOut == [Instance.OptOut(council: "C", service: "audit")])
        #expect(instance.adjacency == [["A", "B"], ["B", "C"]])
        #expect(instance.distances == [Instance.Distance(a: "A", b: "C", km: 31.5)])
        #expect(instance.target == .minSavingFraction(0.01))
        #expect(instance.objective == .minGroups)
        #expect(instance.incompatibleParties == [["REF", "LAB"]])
        #expect(instance.minGroupSavingFraction == 0.02)
        #expect(problem.councils.count == 3)
    }

    @Test func withoutScenarioTheFolderNameIsTheInstanceName() throws {
        var files = TinyTables.files()
        files["scenario.yaml"] = nil
        files["rules.csv"] = nil
        let folder = try TinyTables.folder(files)
        defer { try? FileManager.default.removeItem(at: folder) }
        let instance = try InstanceLoader.read(folder.path)
        #expect(instance.name == folder.lastPathComponent)
        #expect(instance.target == nil)
        #expect(instance.objective == .maxSaving)
        #expect(instance.keepTogether.isEmpty)
    }

    /// BOM, CRLF line ends, quoted commas and line breaks, spaces around
    /// cells, blank lines in the middle and at the end: the same instance.
    @Test func awkwardButValidCSVReadsTheSame() throws {
        let plain = try TinyTables.folder(TinyTables.files())
        defer { try? FileManager.default.removeItem(at: plain) }
        let councils = "\u{FEFF}id, name ,lat,lon,tier,party,population,controllable_spend,region\r\n"
            + "A, \"Alpha, the first\" , 53.0 ,-2.0,district,LAB,100000,50000000,\"North West\"\r\n"
            + "\r\n"
            + "B,Beta,53.1,-2.1,district,CON,120000,60000000,North West\r\n"
            + "C,Gamma,53.2,-2.2,unitary,REF,90000,70000000,\r\n\r\n  \r\n"
        let spend = TinyTables.spend.replacingOccurrences(of: "A,hr", with: "\nA,hr") + "\n\n\n"
        let awkward = try TinyTables.folder(TinyTables.files(["councils.csv": councils, "spend.csv": spend]))
        defer { try? FileManager.default.removeItem(at: awkward) }
        var expected = try InstanceLoader.read(plain.path)
        expected.councils[0].name = "Alpha, the first"
        #expect(try InstanceLoader.read(awkward.path) == expected)
    }

    @Test func lineNumbersCountLineBreaksInsideQuotedCells() throws {
        let councils = TinyTables.edit(TinyTables.councils, line: 2, "Alpha", "\"Al\npha\"")
        let broken = TinyTables.edit(councils, line: 5, "90000", "ninety thousand")
        let error = try #require(try tablesError(TinyTables.files(["councils.csv": broken])))
        #expect(error.line == 5)
        #expect(error.field == "population")
    }

    struct BadTable: Sendable, CustomTestStringConvertible {
        var label: String
        var file: String
        var text: String
        var line: Int?
        var field: String?
        var message: String
        var testDescription: String { label }
    }

    static let badTables: [BadTable] = {
        let c = TinyTables.councils, s = TinyTables.services, p = TinyTables.spend, r = TinyTables.rules
        return [
            BadTable(label: "missing required column", file: "spend.csv",
                     text: TinyTables.edit(p, line: 1, "council,service,spend,volume", "council,service,volume")
                         .replacingOccurrences(of: ",1000000,", with: ","),
                     line: 1, field: "spend", message: "required column is missing"),
            BadTable(label: "unknown column (typo)", file: "councils.csv",
                     text: TinyTables.edit(c, line: 1, "population", "populaton"),
                     line: 1, field: "populaton", message: "unknown column"),
            BadTable(label: "duplicate column", file: "neighbours.csv", text: "a,b,a\nA,B,A\n",
                     line: 1, field: "a", message: "duplicate column"),
            BadTable(label: "text in a number", file: "spend.csv", text: TinyTables.edit(p, line: 3, "1100000", "lots"),
                     line: 3, field: "spend", message: "expected a number"),
            BadTable(label: "quoted thousands separator", file: "spend.csv",
                     text: TinyTables.edit(p, line: 4, "900000", "\"900,000\""),
                     line: 4, field: "spend", message: "expected a number"),
            BadTable(label: "NaN", file: "councils.csv", text: TinyTables.edit(c, line: 3, "53.1", "NaN"),
                     line: 3, field: "lat", message: "finite"),
            BadTable(label: "infinity", file: "spend.csv", text: TinyTables.edit(p, line: 2, "1000000", "inf"),
                     line: 2, field: "spend", message: "finite"),
            BadTable(label: "overflowing number", file: "spend.csv", text: TinyTables.edit(p, line: 2, "1000000", "1e999"),
                     line: 2, field: "spend", message: "finite"),
            BadTable(label: "hexadecimal", file: "spend.csv", text: TinyTables.edit(p, line: 2, "1000000", "0x10"),
                     line: 2, field: "spend", message: "expected a number"),
            BadTable(label: "negative population", file: "councils.csv", text: TinyTables.edit(c, line: 4, "90000", "-90000"),
                     line: 4, field: "population", message: "negative"),
            BadTable(label: "negative volume", file: "spend.csv", text: TinyTables.edit(p, line: 4, "900000,90000", "900000,-1"),
                     line: 4, field: "volume", message: "negative"),
            BadTable(label: "negative distance", file: "distances.csv", text: "a,b,km\nA,C,-3\n",
                     line: 2, field: "km", message: "negative"),
            BadTable(label: "latitude out of range", file: "councils.csv", text: TinyTables.edit(c, line: 2, "53.0", "95"),
                     line: 2, field: "lat", message: "latitude"),
            BadTable(label: "longitude out of range, negative", file: "councils.csv", text: TinyTables.edit(c, line: 3, "-2.1", "-200"),
                     line: 3, field: "lon", message: "longitude in [-180, 180]"),
            BadTable(label: "unknown council in spend", file: "spend.csv", text: TinyTables.edit(p, line: 5, "A,hr", "Z,hr"),
                     line: 5, field: "council", message: "unknown council \"Z\""),
            BadTable(label: "unknown service in spend", file: "spend.csv", text: TinyTables.edit(p, line: 6, "B,hr", "B,hrr"),
                     line: 6, field: "service", message: "unknown service \"hrr\""),
            BadTable(label: "unknown council in neighbours", file: "neighbours.csv", text: "a,b\nA,B\nB,Q\n",
                     line: 3, field: "b", message: "unknown council \"Q\""),
            BadTable(label: "unknown council in rules", file: "rules.csv", text: TinyTables.edit(r, line: 3, "A,B", "X,B"),
                     line: 3, field: "a", message: "unknown council \"X\""),
            BadTable(label: "duplicate council id", file: "councils.csv", text: TinyTables.edit(c, line: 4, "C,Gamma", "A,Gamma"),
                     line: 4, field: "id", message: "duplicate council id A"),
            BadTable(label: "duplicate service id", file: "services.csv", text: TinyTables.edit(s, line: 3, "hr,HR", "legal,HR"),
                     line: 3, field: "id", message: "duplicate service id legal"),
            BadTable(label: "duplicate spend row", file: "spend.csv", text: TinyTables.edit(p, line: 9, "B,audit", "A,audit"),
                     line: 9, field: "service", message: "duplicate spend row"),
            BadTable(label: "duplicate neighbour pair (reversed)", file: "neighbours.csv", text: "a,b\nA,B\nB,A\n",
                     line: 3, field: "b", message: "duplicate neighbour pair"),
            BadTable(label: "required cell empty", file: "councils.csv", text: TinyTables.edit(c, line: 3, "Beta", ""),
                     line: 3, field: "name", message: "is required"),
            BadTable(label: "too many cells", file: "spend.csv", text: TinyTables.edit(p, line: 2, "100000", "100000,7"),
                     line: 2, field: nil, message: "cells but the header has 4"),
            BadTable(label: "unknown rule kind", file: "rules.csv", text: TinyTables.edit(r, line: 2, "forbidden_pair", "forbid"),
                     line: 2, field: "kind", message: "unknown rule kind"),
            BadTable(label: "keep_together without a service", file: "rules.csv", text: TinyTables.edit(r, line: 3, "A,B,hr", "A,B,"),
                     line: 3, field: "service", message: "is required"),
            BadTable(label: "bad boolean", file: "services.csv", text: TinyTables.edit(s, line: 3, "true", "sometimes"),
                     line: 3, field: "contiguous", message: "true or false"),
            BadTable(label: "scale without exponent", file: "services.csv", text: TinyTables.edit(s, line: 2, "0.9,50", ",50"),
                     line: 2, field: "exponent", message: "is required when scale is given"),
            BadTable(label: "bad curve points", file: "services.csv", text: TinyTables.edit(s, line: 4, "0:0;", "0:0:1;"),
                     line: 4, field: "points", message: "volume:cost pairs"),
            BadTable(label: "max_members not whole", file: "services.csv", text: TinyTables.edit(s, line: 2, ",3,40", ",2.5,40"),
                     line: 2, field: "max_members", message: "whole number"),
            BadTable(label: "empty file", file: "councils.csv", text: "", line: nil, field: nil, message: "is empty"),
            BadTable(label: "only blank lines", file: "spend.csv", text: "\n\r\n  \n", line: nil, field: nil, message: "is empty"),
            BadTable(label: "unterminated quote", file: "spend.csv", text: "council,service,spend\nA,\"legal,1000\n",
                     line: 2, field: "service", message: "unknown service"),
        ]
    }()

    @Test(arguments: badTables)
    func malformedTableNamesFileLineAndColumn(_ bad: BadTable) throws {
        let error = try #require(try tablesError(TinyTables.files([bad.file: bad.text])), "no error for \(bad.label)")
        #expect(error.file.hasSuffix("/" + bad.file), "\(error)")
        #expect(error.line == bad.line, "\(error)")
        if let field = bad.field { #expect(error.field == field, "\(error)") }
        #expect(error.message.contains(bad.message), "\(error)")
        #expect(error.description.contains(bad.file), "\(error)")
    }

    /// Random edits of every file (quotes, commas, line ends, BOMs, NaN,
    /// unknown codes, YAML punctuation, cut or emptied files): reading either
    /// succeeds or throws an InputError naming a file of the folder; never a crash.
    @Test func randomlyDamagedFoldersNeverCrash() throws {
        let tokens = ["\"", ",", "\n", "\r\n", "\u{FEFF}", " ", ";", ":", "-", "nan", "inf", "1e999", "0", "Z",
                      "#", "{", "[", "]", "}", "- ", "\t", "null", "~", "&a", "*a", "é"]
        let folder = try TinyTables.folder([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SplitMix64(seed: 20261129)
        var outcomes = (read: 0, rejected: 0)
        for _ in 0..<40 {
            var files = TinyTables.files()
            for _ in 0...random.below(3) {
                let name = files.keys.sorted()[random.below(files.count)]
                var text = Array(files[name]!)
                let position = random.below(text.count + 1)
                switch random.below(5) {
                case 0, 1: text.insert(contentsOf: Array(tokens[random.below(tokens.count)]), at: position)
                case 2: text.removeSubrange(position..<min(text.count, position + 1 + random.below(8)))
                case 3: text = []
                default: text = Array(String(text).replacingOccurrences(of: "\n", with: "\r\n"))
                }
                files[name] = String(text)
            }
            for (name, text) in files { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
            do {
                _ = try InstanceLoader.load(folder.path)
                outcomes.read += 1
            } catch let error as InputError {
                #expect(error.file.hasPrefix(folder.path), "\(error)")
                outcomes.rejected += 1
            }
        }
        #expect(outcomes.read > 0 && outcomes.rejected > 0, "\(outcomes)")
    }

    @Test func missingRequiredFileAndStrayTableAreErrors() throws {
        var files = TinyTables.files()
        files["spend.csv"] = nil
        let missing = try #require(try tablesError(files))
        #expect(missing.file.hasSuffix("/spend.csv"))
        #expect(missing.message.contains("no such file"))
        let stray = try #require(try tablesError(TinyTables.files(["neighbors.csv": "a,b\n"])))
        #expect(stray.file.hasSuffix("/neighbors.csv"))
    }

    struct BadYAML: Sendable, CustomTestStringConvertible {
        var label: String
        var text: String
        var line: Int?
        var field: String?
        var message: String
        var testDescription: String { label }
    }

    static let badScenarios: [BadYAML] = [
        BadYAML(label: "objective is a list", text: "name: x\nobjective: [min_groups]\n", line: 2, field: "objective", message: "expected text"),
        BadYAML(label: "name is a mapping", text: "name: {a: 1}\n", line: 1, field: "name", message: "expected text, found a mapping"),
        BadYAML(label: "target is a number", text: "# c\n\ntarget: 0.018\n", line: 3, field: nil, message: "expected a mapping"),
        BadYAML(label: "fraction is quoted text", text: "target:\n  min_saving_fraction: \"0.018\"\n", line: 2,
                field: "min_saving_fraction", message: "expected a number"),
        BadYAML(label: "unknown key", text: "name: x\nobjectve: min_groups\n", line: 2, field: "objectve", message: "unknown key"),
        BadYAML(label: "unknown objective", text: "objective: fewest\n", line: 1, field: "objective", message: "unknown objective"),
        BadYAML(label: "both targets", text: "target: {min_saving: 5, min_saving_fraction: 0.1}\n", line: 1,
                field: "min_saving_fraction", message: "not both"),
        BadYAML(label: "parties not pairs", text: "incompatible_parties:\n  - [REF]\n", line: 2, field: "incompatible_parties",
                message: "pair"),
        BadYAML(label: "contiguous not a boolean", text: "services:\n  hr:\n    contiguous: often\n", line: 3, field: "contiguous",
                message: "true or false"),
        BadYAML(label: "NaN", text: "min_group_saving_fraction: .nan\n", line: 1, field: "min_group_saving_fraction", message: "finite"),
        BadYAML(label: "unknown service", text: "services:\n  legl: {contiguous: true}\n", line: 2, field: "legl",
                message: "unknown service"),
        BadYAML(label: "unknown council in opt_out", text: "opt_out:\n  - {council: Q, service: hr}\n", line: 2, field: "council",
                message: "unknown council"),
        BadYAML(label: "duplicate key", text: "name: a\nname: b\n", line: 1, field: nil, message: "duplicate key"),
        BadYAML(label: "invalid YAML", text: "name: [a\n", line: 2, field: nil, message: "invalid YAML"),
        BadYAML(label: "a list at the top", text: "- a\n- b\n", line: 1, field: nil, message: "expected a mapping"),
    ]

    @Test(arguments: badScenarios)
    func malformedScenarioNamesFileLineAndKey(_ bad: BadYAML) throws {
        let error = try #require(try tablesError(TinyTables.files(["scenario.yaml": bad.text])), "no error for \(bad.label)")
        #expect(error.file.hasSuffix("/scenario.yaml"), "\(error)")
        #expect(error.line == bad.line, "\(error)")
        if let field = bad.field { #expect(error.field == field, "\(error)") }
        #expect(error.message.contains(bad.message), "\(error)")
    }

    @Test func emptyScenarioChangesNothing() throws {
        let without = try TinyTables.folder(TinyTables.files(["scenario.yaml": "# nothing but a comment\n"]))
        defer { try? FileManager.default.removeItem(at: without) }
        let instance = try InstanceLoader.read(without.path)
        #expect(instance.name == without.lastPathComponent)
        #expect(instance.target == nil)
    }

    /// Folder -> JSON (what `import` writes) -> Instance: the same instance.
    @Test func folderRoundTripsThroughJSON() throws {
        let folder = try TinyTables.folder(TinyTables.files())
        defer { try? FileManager.default.removeItem(at: folder) }
        let fromFolder = try InstanceLoader.read(folder.path)
        let json = JSONWriter.write(fromFolder.jsonValue) + "\n"
        #expect(try Instance.from(json: json, file: "tiny.json") == fromFolder)
    }

    @Test func scenarioOverlaysAJSONInstance() throws {
        var instance = try InstanceLoader.read(CLI.lancashire)
        #expect(instance.objective == .maxSaving)
        let scenario = try Scenario(yaml: """
            # what if Reform would not share with Labour, and back offices were contiguous?
            target: {min_saving: 20000000}
            objective: min_groups
            incompatible_parties: [[REF, LAB], [REF, LD]]
            services:
              back_office: {max_distance_km: null, contiguous: true, exponent: 0.85, scale: 2.5}
              fostering_adoption: {tiers: [county], curve: fitted}
            opt_out: [{council: E07000117, service: back_office}]
            forbidden_pairs: [{a: E07000118, b: E07000119}]
            keep_together: [{a: E06000008, b: E06000009, service: placement_commissioning}]
            """, file: "what-if.yaml")
        let before = instance
        try scenario.apply(to: &instance)
        #expect(instance.target == .minSaving(20_000_000))
        #expect(instance.objective == .minGroups)
        #expect(instance.incompatibleParties == [["REF", "LAB"], ["REF", "LD"]])
        let backOffice = try #require(instance.services.first { $0.id == "back_office" })
        #expect(backOffice.maxDistanceKm == nil)
        #expect(backOffice.contiguous)
        #expect(backOffice.costCurve == .power(scale: 2.5, exponent: 0.85))
        #expect(backOffice.maxMembers == before.services.first { $0.id == "back_office" }!.maxMembers)
        let fostering = try #require(instance.services.first { $0.id == "fostering_adoption" })
        #expect(fostering.tiers == ["county"])
        #expect(fostering.costCurve == .fitted)
        #expect(instance.optOut.last == Instance.OptOut(council: "E07000117", service: "back_office"))
        #expect(instance.forbiddenPairs.last == Instance.Pair(a: "E07000118", b: "E07000119"))
        #expect(instance.keepTogether.count == before.keepTogether.count + 1)
        #expect(instance.councils == before.councils)
        #expect(instance.spend == before.spend)
        _ = try Problem(instance: instance, file: CLI.lancashire)

        // target: null drops the target; min_groups without one is then an error of validation.
        var dropped = instance
        try Scenario(yaml: "target: null\nobjective: max_saving\n", file: "x.yaml").apply(to: &dropped)
        #expect(dropped.target == nil)
        #expect(dropped.objective == .maxSaving)
    }

    @Test func englandFolderLoadsAndValidates() throws {
        let path = CLI.root.appendingPathComponent("instances/england-2025").path
        let (instance, problem) = try InstanceLoader.load(path)
        #expect(instance.name == "england-2025")
        #expect(problem.councils.count == 317)
        #expect(Set(instance.councils.map(\.id)).count == 317)
        let tiers = Dictionary(grouping: instance.councils, by: { $0.tier ?? "" }).mapValues(\.count)
        #expect(tiers == ["county": 21, "district": 164, "unitary": 63, "metropolitan": 36, "london": 33])
        #expect(instance.services.map(\.id) == ["back_office", "legal", "back_office_districts", "legal_districts",
                                                "placement_commissioning", "fostering_adoption"])
        #expect(instance.councils.allSatisfy { $0.party != nil && $0.population != nil && $0.controllableSpend != nil })
        #expect(instance.target == .minSavingFraction(0.018))
        #expect(instance.adjacency.count > 800)
        for service in problem.services {
            if case let .power(_, exponent) = service.curve { #expect(exponent > 0 && exponent <= 1) }
        }

        // Every planners' scenario applies and validates.
        let scenarios = CLI.root.appendingPathComponent("instances/england-2025/scenarios")
        let names = try FileManager.default.contentsOfDirectory(atPath: scenarios.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names == ["childrens-only.yaml", "district-back-office-only.yaml", "fostering-only.yaml",
                          "legal-only.yaml", "neighbours-only.yaml", "nlgn-min-groups.yaml", "party-rules.yaml"])
        for name in names {
            var overlaid = instance
            try Scenario.load(scenarios.appendingPathComponent(name).path).apply(to: &overlaid)
            _ = try Problem(instance: overlaid, file: name)
            #expect(overlaid.name != instance.name)
        }
        var party = instance
        try Scenario.load(scenarios.appendingPathComponent("party-rules.yaml").path).apply(to: &party)
        #expect(party.objective == .minGroups)
        #expect(party.incompatibleParties.contains(["REF", "LAB"]))
    }

    @Test func importCommandEndToEnd() throws {
        let folder = try TinyTables.folder(TinyTables.files())
        let out = try CLI.folder()
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: out)
        }
        let path = out.appendingPathComponent("tiny.json").path
        let run = try CLI.run(["import", folder.path, "--output", path])
        #expect(run.code == 0, "\(run)")
        #expect(run.out.contains("3 councils, 3 services, 8 spend rows"), "\(run)")
        let written = try Instance.from(json: try String(contentsOfFile: path, encoding: .utf8), file: path)
        #expect(written == (try InstanceLoader.read(folder.path)))

        // With a scenario over it; then solve reads the folder itself.
        let scenario = out.appendingPathComponent("what-if.yaml")
        try Data("objective: max_saving\ntarget: null\n".utf8).write(to: scenario)
        let overlaid = try CLI.run(["import", folder.path, "--scenario", scenario.path])
        #expect(overlaid.code == 0, "\(overlaid)")
        #expect(overlaid.out.contains("\"objective\": \"max_saving\""), "\(overlaid)")
        #expect(!overlaid.out.contains("\"target\""), "\(overlaid)")
        let solved = try CLI.run(["solve", folder.path, "--objective", "max-saving", "--target-saving", "1", "--format", "json"])
        #expect(solved.code == 0, "\(solved)")

        // Bad input: exit 2, the message names file, line and column.
        let bad = try TinyTables.folder(TinyTables.files(["spend.csv": TinyTables.edit(TinyTables.spend, line: 3, "1100000", "1.1m")]))
        defer { try? FileManager.default.removeItem(at: bad) }
        let failed = try CLI.run(["import", bad.path, "--output", out.appendingPathComponent("bad.json").path])
        #expect(failed.code == 2, "\(failed)")
        #expect(failed.err.contains("spend.csv:3"), "\(failed)")
        #expect(failed.err.contains("field \"spend\""), "\(failed)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("bad.json").path))
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
// What-ifs: councils left out, one region only, a distance cap, made to the instance before validation.
import Foundation
import Testing
@testable import CouncilShare

@Suite("What-ifs")
struct WhatIfTests {
    /// A generated instance with every kind of council-naming rule, and a region per council.
    static func instance() -> Instance {
        var instance = InstanceGenerator(councils: 12, services: 2, seed: 11).generate()
        let regions = ["North West", "Yorkshire", "North East"]
        for index in instance.councils.indices { instance.councils[index].region = regions[index % 3] }
        let ids = instance.councils.map(\.id)
        let service = instance.services[0].id
        instance.forbiddenPairs += [Instance.Pair(a: ids[0], b: ids[3]), Instance.Pair(a: ids[1], b: ids[4], service: service)]
        instance.optOut.append(Instance.OptOut(council: ids[0], service: service))
        instance.distances.append(Instance.Distance(a: ids[0], b: ids[6], km: 12))
        instance.adjacency += [[ids[0], ids[9]], [ids[2], ids[5]]]
        return instance
    }

    /// Every id that any rule or row of `instance` names.
    static func namedIDs(_ instance: Instance) -> Set<String> {
        var ids = Set(instance.spend.map(\.council))
        for row in instance.distances { ids.formUnion([row.a, row.b]) }
        for pair in instance.forbiddenPairs + instance.keepTogether { ids.formUnion([pair.a, pair.b]) }
        ids.formUnion(instance.optOut.map(\.council))
        ids.formUnion(instance.adjacency.joined())
        return ids
    }

    static func solve(_ instance: Instance) throws -> (Problem, Plan) {
        let problem = try Problem(instance: instance, file: "what-if")
        return (problem, ExactSolver(problem: problem).solve())
    }

    @Test("excluded councils (by id or by name) vanish from the instance, every rule and the plan")
    func exclude() throws {
        let original = Self.instance()
        let byID = original.councils[0].id, byName = original.councils[1].name
        let gone: Set<String> = [byID, original.councils[1].id]
        #expect(!Self.namedIDs(original).isDisjoint(with: gone), "the test instance must name them in its rules")
        let changed = try WhatIf(excluded: [byID, byName]).apply(to: original, file: "f.json")
        #expect(changed.councils.count == original.councils.count - 2)
        #expect(Set(changed.councils.map(\.id)).isDisjoint(with: gone))
        #expect(Self.namedIDs(changed).isDisjoint(with: gone), "\(Self.namedIDs(changed).intersection(gone))")
        // Rows about the other councils stay.
        #expect(changed.spend.count == original.spend.filter { !gone.contains($0.council) }.count)
        #expect(changed.adjacency == original.adjacency.filter { $0.allSatisfy { !gone.contains($0) } })
        #expect(changed.adjacency.contains([original.councils[2].id, original.councils[5].id]))
        let (problem, plan) = try Self.solve(changed)
        #expect(plan.status == .optimal)
        #expect(!plan.groups.isEmpty)
        for group in plan.groups {
            #expect(Set(group.members.map { problem.councils[$0].id }).isDisjoint(with: gone))
        }
    }

    @Test("keep_together with an excluded council is dropped, the others kept")
    func keepTogether() throws {
        var original = Self.instance()
        let ids = original.councils.map(\.id), service = original.services[1].id
        original.keepTogether = [Instance.Pair(a: ids[2], b: ids[7], service: service),
                                 Instance.Pair(a: ids[5], b: ids[8], service: service)]
        let changed = try WhatIf(excluded: [ids[7]]).apply(to: original, file: "f.json")
        #expect(changed.keepTogether == [Instance.Pair(a: ids[5], b: ids[8], service: service)])
    }

    @Test("an unknown or ambiguous council name is an input error that names it")
    func unknownCouncil() throws {
        let original = Self.instance()
        #expect(throws: InputError(file: "f.json", record: "--exclude", message: "no council has the id or name \"Nowhere\"")) {
            try WhatIf(excluded: [original.councils[0].id, "Nowhere"]).apply(to: original, file: "f.json")
        }
        var twins = original
        twins.councils[1].name = twins.councils[0].name
        let error = try #require(throws: InputError.self) {
            try WhatIf(excluded: [twins.councils[0].name]).apply(to: twins, file: "f.json")
        }
        #expect(error.message.contains("2 councils are named") && error.message.contains(twins.councils[1].id))
    }

    @Test("--only-region keeps exactly that region's councils (case-insensitive)")
    func onlyRegion() throws {
        let original = Self.instance()
        let changed = try WhatIf(onlyRegion: "north WEST").apply(to: original, file: "f.json")
        let expected = original.councils.filter { $0.region == "North West" }.map(\.id)
        #expect(changed.councils.map(\.id) == expected)
        #expect(Self.namedIDs(changed).isSubset(of: Set(expected)))
        let (problem, plan) = try Self.solve(changed)
        #expect(plan.status == .optimal)
        for group in plan.groups { #expect(group.members.allSatisfy { expected.contains(problem.councils[$0].id) }) }
    }

    @Test("an unknown region lists the known ones; an instance without regions says so")
    func unknownRegion() throws {
        let original = Self.instance()
        #expect(throws: InputError(
            file: "f.json", record: "--only-region",
            message: "no council is in region \"Wessex\"; the regions are \"North East\", \"North West\", \"Yorkshire\"")) {
            try WhatIf(onlyRegion: "Wessex").apply(to: original, file: "f.json")
        }
        var plain = original
        for index in plain.councils.indices { plain.councils[index].region = nil }
        #expect(throws: InputError(file: "f.json", record: "--only-region", message: "no council of this instance has a region")) {
            try WhatIf(onlyRegion: "North West").apply(to: plain, file: "f.json")
        }
    }

    @Test("--max-distance caps every service and every group keeps to it", arguments: [12.0, 20.0])
    func maxDistance(cap: Double) throws {
        var original = Self.instance()
        original.services[1].maxDistanceKm = 10
        let changed = try WhatIf(maxDistanceKm: cap).apply(to: original, file: "f.json")
        #expect(changed.services.map(\.maxDistanceKm) == [cap, 10])
        let (problem, plan) = try Self.solve(changed)
        let (_, uncapped) = try Self.solve(original)
        #expect(plan.status == .optimal)
        #expect(plan.totalSaving <= uncapped.totalSaving + 1e-6 * uncapped.totalSaving)
        #expect(uncapped.groups.contains { group in group.members.contains { problem.distance($0, group.host) > cap } },
                "the cap must bind for the test to mean anything")
        for group in plan.groups {
            let limit = problem.services[group.service].maxDistanceKm
            #expect(group.members.allSatisfy { problem.distance($0, group.host) <= limit && limit <= cap })
        }
        #expect(throws: InputError.self) { try WhatIf(maxDistanceKm: 0).apply(to: original, file: "f.json") }
    }

    @Test("loading with what-ifs changes the instance before validation")
    func loader() throws {
        var original = Self.instance()
        // A rule that validation rejects (an opt-out naming no council of the
        // instance is fine, a forbidden pair of one council with itself is not)
        // disappears with the council it names.
        let ids = original.councils.map(\.id)
        original.forbiddenPairs.append(Instance.Pair(a: ids[4], b: ids[4]))
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("instance.json").path
        try InstanceLoader.writeAtomically(JSONWriter.write(original.jsonValue), to: path)
        #expect(throws: InputError.self) { try InstanceLoader.load(path) }
        let (instance, problem) = try InstanceLoader.load(path, whatIf: WhatIf(excluded: [ids[4]]))
        #expect(problem.councilCount == original.councils.count - 1)
        #expect(instance.forbiddenPairs.allSatisfy { $0.a != ids[4] && $0.b != ids[4] })
        let (_, same) = try InstanceLoader.load(path, whatIf: WhatIf(excluded: [ids[4]], maxDistanceKm: nil))
        #expect(same.councilCount == problem.councilCount)
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Readers for the published OR-Library benchmark formats, as described in
/// `benchmarks/orlib/README.md`: files are read as whitespace-separated
/// tokens (lines carry stray spaces, UFL rows wrap, cpmp files use CRLF), and
/// every error names the file and the line of the offending token.
public enum ORLibrary {
    public enum Format: String, Sendable, CaseIterable {
        case pmed, ufl, cpmp
    }

    /// How capacitated p-median distances are rounded: Osman-Christofides
    /// instances use floor(Euclidean), Lorena-Senne (SJC) the real distance.
    public enum CPMPDistance: String, Sendable, CaseIterable {
        case floor, real
        /// The published convention for a file: SJC files use real distances.
        public static func forFile(_ path: String) -> CPMPDistance {
            URL(fileURLWithPath: path).lastPathComponent.uppercased().hasPrefix("SJC") ? .real : .floor
        }
    }

    /// Reads a file in the given format (nil: detected from the same text, so
    /// the file is read once).
    public static func read(_ path: String, format: Format?, cpmpDistance: CPMPDistance? = nil) throws -> LocationProblem {
        let text = try InstanceLoader.readText(path)
        let format = try format ?? detect(text: text, file: path)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        switch format {
        case .pmed: return try parsePMedian(text, file: path, name: name)
        case .ufl: return try parseUFL(text, file: path, name: name)
        case .cpmp: return try parseCPMP(text, file: path, name: name, distance: cpmpDistance ?? .forFile(path))
        }
    }

    /// Guesses the format from the file's shape: a UFL file has `m n` then
    /// m pairs whose first may be the word `capacity`; a cpmp file `n p` then
    /// n rows of four numbers; a p-median file `n m p` then m triples.
    public static func detect(_ path: String) throws -> Format {
        try detect(text: InstanceLoader.readText(path), file: path)
    }

    static func detect(text: String, file path: String) throws -> Format {
        var tokens = Tokens(text, file: path)
        var numbers: [Substring] = []
        while numbers.count < 40, let token = tokens.nextRaw() { numbers.append(token.text) }
        let count = numbers.count
        if numbers.contains(where: { $0 == "capacity" }) { return .ufl }
        guard count >= 3, let a = Int(numbers[0]), let b = Int(numbers[1]) else {
            throw InputError(file: path, line: 1, record: "header", message: "not a p-median, UFL or cpmp file (the first tokens are not integers)")
        }
        // p-median: third header token is p (an integer) and edges are integer triples.
        // cpmp: `n p` then x y Q w; UFL: `m n` then `capacity fixed` pairs with a decimal point.
        let total = tokens.remainingCountPlus(count)
        if total == 3 + 3 * b, a >= 1 { return .pmed }
        if total == 2 + 4 * a { return .cpmp }
        if total == 2 + 2 * a + b * (1 + a) { return .ufl }
        throw InputError(file: path, line: 1, record: "header",
                         message: "cannot tell the format from the token count (\(total)); give --input-format pmed|ufl|cpmp")
    }

    // MARK: p-median

    /// `n m p`, then m edges `i j cost` (1-based). The distance matrix follows
    /// OR-Library's rule: c(i,i) = 0, each edge line overwrites c(i,j) = c(j,i)
    /// (a repeated edge: the last one counts), then all-pairs shortest paths.
    public static func parsePMedian(_ text: String, file: String, name: String) throws -> LocationProblem {
        var tokens = Tokens(text, file: file)
        let n = try tokens.int("n", in: 1...20_000)
        let m = try tokens.int("m (edges)", in: 0...50_000_000)
        let p = try tokens.int("p", in: 1...n)
        var dist = Array(repeating: Double.infinity, count: n * n)
        for i in 0..<n { dist[i * n + i] = 0 }
        for edge in 0..<m {
            let i = try tokens.int("edge \(edge + 1) vertex i", in: 1...n) - 1
            let j = try tokens.int("edge \(edge + 1) vertex j", in: 1...n) - 1
            let c = try tokens.number("edge \(edge + 1) cost", min: 0)
            if i != j { dist[i * n + j] = c; dist[j * n + i] = c }
        }
        try tokens.expectEnd()
        floydWarshall(&dist, n)
        if let unreachable = (1..<n).first(where: { !dist[$0].isFinite }) {
            throw InputError(file: file, record: "graph", message: "vertex \(unreachable + 1) cannot be reached from vertex 1: the graph is not connected")
        }
        return LocationProblem(name: name, family: .pmedian, clientCount: n, hubCount: n, cost: dist,
                               p: p, selfHub: Array(0..<n))
    }

    static func floydWarshall(_ d: inout [Double], _ n: Int) {
        d.withUnsafeMutableBufferPointer { d in
            for k in 0..<n {
                let rowK = k * n
                for i in 0..<n {
                    let dik = d[i * n + k]
                    if !dik.isFinite { continue }
                    let rowI = i * n
                    for j in 0..<n {
                        let through = dik + d[rowK + j]
                        if through < d[rowI + j] { d[rowI + j] = through }
                    }
                }
            }
        }
    }

    // MARK: uncapacitated facility location

    /// `m n`; m lines `capacity fixed_cost` (capacity may be the word
    /// `capacity`; it is ignored for the UFL); then per customer `demand` and
    /// m allocation costs (totals, not per unit; rows wrap).
    public static func parseUFL(_ text: String, file: String, name: String) throws -> LocationProblem {
        var tokens = Tokens(text, file: file)
        let m = try tokens.int("m (warehouses)", in: 1...100_000)
        let n = try tokens.int("n (customers)", in: 1...1_000_000)
        guard m * n <= 50_000_000 else {
            throw InputError(file: file, line: 1, record: "header", message: "\(m) x \(n) costs is too large")
        }
        var fixed = Array(repeating: 0.0, count: m)
        for i in 0..<m {
            if tokens.peek() == "capacity" { _ = tokens.nextRaw() } else { _ = try tokens.number("warehouse \(i + 1) capacity", min: 0) }
            fixed[i] = try tokens.number("warehouse \(i + 1) fixed cost", min: 0)
        }
        var cost = Array(repeating: 0.0, count: n * m)
        for j in 0..<n {
            _ = try tokens.number("customer \(j + 1) demand", min: 0)
            for i in 0..<m { cost[j * m + i] = try tokens.number("customer \(j + 1) cost to warehouse \(i + 1)", min: 0) }
        }
        try tokens.expectEnd()
        return LocationProblem(name: name, family: .facilityLocation, clientCount: n, hubCount: m, cost: cost, hubCost: fixed)
    }

    // MARK: capacitated p-median

    /// `n p`, then n lines `x y capacity demand`; every node is a client and
    /// a candidate median; distances floor(Euclidean) or real (see `CPMPDistance`).
    public static func parseCPMP(_ text: String, file: String, name: String, distance: CPMPDistance) throws -> LocationProblem {
        var tokens = Tokens(text, file: file)
        let n = try tokens.int("n", in: 1...20_000)
        let p = try tokens.int("p", in: 1...n)
        var x = [Double](), y = [Double](), capacity = [Double](), demand = [Double]()
        for i in 0..<n {
            x.append(try tokens.number("node \(i + 1) x"))
            y.append(try tokens.number("node \(i + 1) y"))
            capacity.append(try tokens.number("node \(i + 1) capacity", min: 0))
            demand.append(try tokens.number("node \(i + 1) demand", min: 0))
        }
        try tokens.expectEnd()
        var cost = Array(repeating: 0.0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                let d = ((x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j])).squareRoot()
                cost[i * n + j] = distance == .floor ? d.rounded(.down) : d
            }
        }
        if let heavy = demand.indices.first(where: { demand[$0] > capacity.max()! }) {
            throw InputError(file: file, record: "node \(heavy + 1)", field: "demand", message: "demand \(demand[heavy]) exceeds every capacity")
        }
        return LocationProblem(name: name, family: .capacitatedPMedian, clientCount: n, hubCount: n, cost: cost,
                               p: p, demand: demand, capacity: capacity, selfHub: Array(0..<n))
    }
}

/// Whitespace-separated tokens with their line numbers (CR, LF and CRLF all
/// end a line), read on UTF-8 bytes.
struct Tokens {
    struct Token { var text: Substring; var line: Int }
    private let text: Substring
    private var index: Substring.UTF8View.Index
    private var line = 1
    private var lastLine = 1
    let file: String

    init(_ text: String, file: String) {
        self.text = Substring(text)
        self.index = self.text.utf8.startIndex
        self.file = file
    }

    private mutating func skipSpace() {
        let bytes = text.utf8
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") { line += 1 } else if byte == UInt8(ascii: "\r") {
                let next = bytes.index(after: index)
                if next == bytes.endIndex || bytes[next] != UInt8(ascii: "\n") { line += 1 }
            } else if !(byte == 32 || byte == 9 || byte == 11 || byte == 12) { break }
            index = bytes.index(after: index)
        }
    }

    mutating func nextRaw() -> Token? {
        skipSpace()
        let bytes = text.utf8
        guard index < bytes.endIndex else { return nil }
        let start = index
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 32 || (9...13).contains(byte) { break }
            index = bytes.index(after: index)
        }
        lastLine = line
        return Token(text: text[start..<index], line: line)
    }

    func peek() -> Substring? {
        var copy = self
        return copy.nextRaw()?.text
    }

    /// How many tokens remain, plus `already` (for format detection).
    func remainingCountPlus(_ already: Int) -> Int {
        var copy = self
        var count = already
        while copy.nextRaw() != nil { count += 1 }
        return count
    }

    private func error(_ field: String, _ message: String, line: Int? = nil) -> InputError {
        InputError(file: file, line: line ?? lastLine, record: "line \(line ?? lastLine)", field: field, message: message)
    }

    mutating func number(_ field: String, min: Double? = nil) throws -> Double {
        guard let token = nextRaw() else { throw error(field, "the file ends early: expected \(field)", line: line) }
        guard let value = Double(token.text), value.isFinite else {
            throw error(field, "expected a number, found \"\(token.text.prefix(40))\"")
        }
        if let min, value < min { throw error(field, "must be at least \(min), found \(token.text)") }
        if abs(value) > 1e13 { throw error(field, "\(token.text) is too large (limit 1e13)") }
        return value
    }

    mutating func int(_ field: String, in range: ClosedRange<Int>) throws -> Int {
        guard let token = nextRaw() else { throw error(field, "the file ends early: expected \(field)", line: line) }
        guard let value = Int(token.text) else { throw error(field, "expected a whole number, found \"\(token.text.prefix(40))\"") }
        guard range.contains(value) else { throw error(field, "must be from \(range.lowerBound) to \(range.upperBound), found \(value)") }
        return value
    }

    mutating func expectEnd() throws {
        if let token = nextRaw() {
            throw InputError(file: file, line: token.line, record: "line \(token.line)", message: "unexpected extra data \"\(token.text.prefix(40))\" after the last record")
        }
    }
}

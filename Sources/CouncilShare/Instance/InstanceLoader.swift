// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Reads files for the command line and the tests.
public enum InstanceLoader {
    /// Reads a whole text file; an unreadable file is an `InputError`.
    public static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw InputError(file: path, record: "", message: exists ? (isDirectory.boolValue ? "is a folder, not a file" : "cannot be read") : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, record: "", message: "is not UTF-8 text")
        }
        return text
    }

    /// Reads an instance: a JSON file, or a folder of tables
    /// (`Instance.from(folder:)`), without validating it.
    public static func read(_ path: String) throws -> Instance {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return try Instance.from(folder: path)
        }
        return try Instance.from(json: try readText(path), file: path)
    }

    /// Reads and validates an instance: a JSON file or a folder of tables.
    public static func load(_ path: String) throws -> (Instance, Problem) {
        let instance = try read(path)
        return (instance, try Problem(instance: instance, file: path))
    }

    /// Reads an instance (file or folder), lays the what-if scenario file over
    /// it if one is given, makes the what-if changes (`WhatIf`) to it,
    /// then validates the result: a rule that the changes make moot (say, a
    /// pair with an excluded council) no longer counts.
    public static func load(_ path: String, whatIf: WhatIf) throws -> (Instance, Problem) {
        var read = try read(path)
        if let scenario = whatIf.scenario { try Scenario.load(scenario).apply(to: &read) }
        let instance = try whatIf.apply(to: read, file: path)
        return (instance, try Problem(instance: instance, file: path))
    }

    /// Writes a file atomically (a temporary file in the same folder, then a
    /// rename), so that a reader never sees half a file.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw InputError(file: path, record: "", message: "cannot be written: \(reason)")
            }
        } catch let error as InputError {
            throw error
        } catch {
            throw InputError(file: path, record: "", message: "cannot be written: \(error.localizedDescription)")
        }
    }
}

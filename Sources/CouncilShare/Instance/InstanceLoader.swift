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

    /// Reads and validates an instance file.
    public static func load(_ path: String) throws -> (Instance, Problem) {
        let instance = try Instance.from(json: try readText(path), file: path)
        return (instance, try Problem(instance: instance, file: path))
    }

    /// Reads an instance file, makes the what-if changes (`WhatIf`) to it,
    /// then validates the result: a rule that the changes make moot (say, a
    /// pair with an excluded council) no longer counts.
    public static func load(_ path: String, whatIf: WhatIf) throws -> (Instance, Problem) {
        let read = try Instance.from(json: try readText(path), file: path)
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

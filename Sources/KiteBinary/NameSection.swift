// The `name` custom section's function names (subsection 1), for profiles and traps.
//
// The section is a debugging aid, not part of the module's meaning: a malformed one is
// ignored (the spec says custom sections must not affect validation), and what decoded
// before the error is kept.

extension Module {
    /// Function index -> name, from the `name` custom section (empty without one).
    public var functionNames: [UInt32: String] {
        guard let section = customSections.first(where: { $0.name == "name" }) else { return [:] }
        return section.bytes.withUnsafeBufferPointer { buffer in
            var names: [UInt32: String] = [:]
            var cursor = ByteCursor(buffer)
            do {
                while cursor.remaining > 0 {
                    let id = try cursor.readByte()
                    let size = Int(try cursor.readU32())
                    let end = cursor.position + size
                    guard size <= cursor.remaining else { break }
                    if id == 1 {
                        var subsection = ByteCursor(buffer, position: cursor.position, limit: end)
                        let count = try subsection.readU32()
                        for _ in 0..<count {
                            let index = try subsection.readU32()
                            names[index] = try subsection.readName()
                        }
                    }
                    cursor.position = end
                }
            } catch {}
            return names
        }
    }
}

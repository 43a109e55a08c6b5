// The contents of each section except code (CodeSection.swift). Every vector count goes
// through `readLength`, so `reserveCapacity(count)` is bounded by the module's size.

extension ModuleDecoder {
    mutating func decodeCustomSection(size: Int) throws(DecodingError) {
        let start = cursor.position
        let name = try cursor.readName()
        // The payload is whatever the declared size leaves after the name; a name that
        // runs past the size leaves a negative payload, which the interpreter reports
        // as running out of section.
        let payloadCount = size - (cursor.position - start)
        guard payloadCount >= 0 else { throw cursor.error(ByteCursor.unexpectedEnd) }
        let payload = try cursor.readBytes(payloadCount)
        module.customSections.append(CustomSection(name: name, bytes: payload))
    }

    mutating func decodeTypeSection() throws(DecodingError) {
        let count = try cursor.readLength()
        module.types.reserveCapacity(count)
        for _ in 0..<count {
            let start = module.typeDefinitions.count
            if cursor.peekByte() == 0x4E {
                _ = try cursor.readByte()
                let members = try cursor.readLength()
                for _ in 0..<members { module.typeDefinitions.append(try cursor.readSubType()) }
            } else {
                module.typeDefinitions.append(try cursor.readSubType())
            }
            module.recGroups.append(start..<module.typeDefinitions.count)
        }
        for definition in module.typeDefinitions {
            if case .function(let f) = definition.composite { module.types.append(f) }
            else { module.types.append(FunctionType(parameters: [], results: [])) }
        }
    }

    mutating func decodeImportSection() throws(DecodingError) {
        let count = try cursor.readLength()
        module.imports.reserveCapacity(count)
        for _ in 0..<count {
            let moduleName = try cursor.readName()
            let name = try cursor.readName()
            let kindOffset = cursor.position
            let descriptor: ImportDescriptor
            switch try cursor.readByte() {
            case 0x00: descriptor = .function(typeIndex: try cursor.readU32())
            case 0x01: descriptor = .table(try cursor.readTableType())
            case 0x02: descriptor = .memory(try cursor.readMemoryType())
            case 0x03: descriptor = .global(try cursor.readGlobalType())
            case 0x04: descriptor = .tag(typeIndex: try cursor.readTagType())
            default: throw cursor.error("malformed import kind", at: kindOffset)
            }
            module.imports.append(Import(module: moduleName, name: name, descriptor: descriptor))
        }
    }

    mutating func decodeFunctionSection() throws(DecodingError) {
        let count = try cursor.readLength()
        module.functions.reserveCapacity(count)
        for _ in 0..<count { module.functions.append(try cursor.readU32()) }
    }

    /// Tables; since Wasm 3.0 a table may start with 0x40 0x00 and carry an initializer
    /// expression for its elements.
    mutating func decodeTableSection() throws(DecodingError) {
        let count = try cursor.readLength()
        module.tables.reserveCapacity(count)
        for _ in 0..<count {
            if cursor.peekByte() == 0x40 {
                _ = try cursor.readByte()
                let reserved = cursor.position
                guard try cursor.readByte() == 0x00 else { throw cursor.error("malformed table", at: reserved) }
                let type = try cursor.readTableType()
                while module.tableInitializers.count < module.tables.count { module.tableInitializers.append(nil) }
                module.tables.append(type)
                module.tableInitializers.append(try cursor.readConstExpression())
            } else {
                module.tables.append(try cursor.readTableType())
            }
        }
    }

    mutating func decodeMemorySection() throws(DecodingError) {
        let count = try cursor.readLength()
        module.memories.reserveCapacity(count)
        for _ in 0..<count { module.memories.append(try cursor.readMemoryType()) }
    }

    mutating func decodeGlobalSection() throws(DecodingError) {
        let count = try cursor.readLength()
        module.globals.reserveCapacity(count)
        for _ in 0..<count {
            let type = try cursor.readGlobalType()
            let initializer = try readSectionConstExpression()
            module.globals.append(Global(type: type, initializer: initializer))
        }
    }

    /// Exception tags (Wasm 3.0): each is an attribute byte (0 = exception) and a type index.
    mutating func decodeTagSection() throws(DecodingError) {
        let count = try cursor.readLength()
        for _ in 0..<count { module.tags.append(try cursor.readTagType()) }
    }

    mutating func decodeExportSection() throws(DecodingError) {
        let count = try cursor.readLength()
        module.exports.reserveCapacity(count)
        for _ in 0..<count {
            let name = try cursor.readName()
            let kindOffset = cursor.position
            let kind = try cursor.readByte()
            guard kind <= 0x04 else { throw cursor.error("malformed export kind", at: kindOffset) }
            let index = try cursor.readU32()
            let descriptor: ExportDescriptor
            switch kind {
            case 0x00: descriptor = .function(index)
            case 0x01: descriptor = .table(index)
            case 0x02: descriptor = .memory(index)
            case 0x03: descriptor = .global(index)
            default: descriptor = .tag(index)
            }
            module.exports.append(Export(name: name, descriptor: descriptor))
        }
    }

    /// Element segments, flags 0...7: bit 0 = passive or declarative (not active),
    /// bit 1 = explicit table index (active) or declarative (otherwise),
    /// bit 2 = initializers are expressions rather than function indices.
    mutating func decodeElementSection() throws(DecodingError) {
        let count = try cursor.readLength()
        module.elements.reserveCapacity(count)
        for _ in 0..<count {
            let flagsOffset = cursor.position
            let flags = try cursor.readU32()
            guard flags <= 7 else { throw cursor.error("malformed elements segment kind", at: flagsOffset) }
            let mode: ElementSegment.Mode
            switch flags & 0b011 {
            case 0b000: mode = .active(table: 0, offset: try readSectionConstExpression())
            case 0b010:
                let table = try cursor.readU32()
                mode = .active(table: table, offset: try readSectionConstExpression())
            case 0b001: mode = .passive
            default: mode = .declarative
            }
            let usesExpressions = flags & 0b100 != 0
            // Index forms hold function indices, so their elements are `(ref func)` (never
            // null); flag 4 implies funcref; the others spell out an element kind (index
            // forms, only 0x00 = func exists) or a reference type (expression forms).
            var type = usesExpressions ? RefType.funcref : RefType(nullable: false, heap: .func)
            if flags & 0b011 != 0 {
                if usesExpressions {
                    type = try cursor.readRefType()
                } else {
                    let kindOffset = cursor.position
                    guard try cursor.readByte() == 0x00 else {
                        throw cursor.error("malformed element kind", at: kindOffset)
                    }
                }
            }
            let itemCount = try cursor.readLength()
            let items: ElementSegment.Items
            if usesExpressions {
                var expressions: [ConstExpression] = []
                expressions.reserveCapacity(itemCount)
                for _ in 0..<itemCount { expressions.append(try readSectionConstExpression()) }
                items = .expressions(expressions)
            } else {
                var indices: [UInt32] = [], offsets: [UInt32] = []
                indices.reserveCapacity(itemCount)
                offsets.reserveCapacity(itemCount)
                for _ in 0..<itemCount {
                    offsets.append(UInt32(clamping: cursor.position))
                    indices.append(try cursor.readU32())
                }
                items = .functions(indices: indices, offsets: offsets)
            }
            module.elements.append(ElementSegment(type: type, items: items, mode: mode))
        }
    }

    /// Data segments: 0 = active in memory 0, 1 = passive, 2 = active with a memory index.
    mutating func decodeDataSection() throws(DecodingError) {
        let count = try cursor.readLength()
        module.data.reserveCapacity(count)
        for _ in 0..<count {
            let flagsOffset = cursor.position
            let mode: DataSegment.Mode
            switch try cursor.readU32() {
            case 0: mode = .active(memory: 0, offset: try readSectionConstExpression())
            case 1: mode = .passive
            case 2:
                let memory = try cursor.readU32()
                mode = .active(memory: memory, offset: try readSectionConstExpression())
            default: throw cursor.error("malformed data segment kind", at: flagsOffset)
            }
            let length = try cursor.readLength()
            let bytes = try cursor.readBytes(length)
            module.data.append(DataSegment(bytes: bytes, mode: mode))
        }
    }
}

import CKiteDispatch
#if canImport(Glibc)
import Glibc
#endif

/// Names the native frames a sample of a host call captured (libunwind, in the signal
/// handler): the frames the host function ran, from the host-call trampoline inwards, as
/// `[native] NAME` with Swift names demangled. Kite's own frames between the trampoline and the
/// embedder's code (the call adapters) are left out, so what shows is the embedder's work.
struct NativeSymbolizer {
    private var names: [UInt: String?] = [:]

    /// Outermost first, the frames above the host-call trampoline; [] if it is not on the stack.
    mutating func frames(innermostFirst pcs: [UInt]) -> [String] {
        var frames: [String] = []
        for pc in pcs {
            // A return address points after its call: look up the call itself.
            guard let name = name(of: pc == pcs.first ? pc : pc &- 1) else {
                frames.append("[native] 0x" + String(pc, radix: 16))
                continue
            }
            if name == "kite_call_host" || name.hasPrefix("kite_") { return frames.reversed().filter { !$0.isEmpty } }
            frames.append(Self.isKiteInternal(name) ? "" : "[native] " + Self.readable(name))
        }
        return []
    }

    private mutating func name(of pc: UInt) -> String? {
        if let known = names[pc] { return known }
        let found = kite_symbol_name(UInt64(pc)).map { String(cString: $0) } ?? Self.executable.name(containing: pc)
        names[pc] = found
        return found
    }

    /// The executable's own functions: dladdr sees only exported symbols, and most of an
    /// executable's (Swift's internal and private ones, static C functions) are not.
    static let executable = ExecutableSymbols()

    /// Kite's host-call path (the trampoline, `callHost`, the `[Value]` and typed adapters)
    /// and the Swift runtime's thunks.
    static func isKiteInternal(_ mangled: String) -> Bool {
        mangled.hasPrefix("$s4Kite") || mangled.hasPrefix("swift_") || mangled.contains("TR") && mangled.hasPrefix("$s")
            && demangle(mangled).hasPrefix("reabstraction thunk")
    }

    /// A demangled Swift name, without argument lists for brevity; C names as they are.
    static func readable(_ symbol: String) -> String {
        let text = demangle(symbol)
        if text == symbol { return symbol }
        return String(text.prefix(160))
    }

    static func demangle(_ symbol: String) -> String {
        guard symbol.hasPrefix("$s") || symbol.hasPrefix("_$s") else { return symbol }
        return symbol.withCString { cString in
            guard let result = swift_demangle(cString, strlen(cString), nil, nil, 0) else { return symbol }
            defer { free(result) }
            return String(cString: result)
        }
    }
}

/// The Swift runtime's demangler (exported by libswiftCore).
@_silgen_name("swift_demangle")
private func swift_demangle(_ mangledName: UnsafePointer<CChar>?, _ mangledNameLength: Int,
                            _ outputBuffer: UnsafeMutablePointer<CChar>?, _ outputBufferSize: UnsafeMutablePointer<Int>?,
                            _ flags: UInt32) -> UnsafeMutablePointer<CChar>?

/// The function symbols of the running executable's ELF symbol table (`.symtab`), read from
/// /proc/self/exe once; empty when the file cannot be read or has been stripped.
struct ExecutableSymbols {
    private var functions = NamedRanges([])

    init() {
        var functions: [(start: UInt, end: UInt, name: String)] = []
        defer { self.functions = NamedRanges(functions) }
        guard let bytes = try? readFile("/proc/self/exe"), bytes.count > 64, bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]),
              bytes[4] == 2 /* 64-bit */ else { return }
        func u16(_ at: Int) -> Int { at + 2 <= bytes.count ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : 0 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func u64(_ at: Int) -> Int { at + 8 <= bytes.count ? u32(at) | u32(at + 4) << 32 : 0 }
        let sectionTable = u64(0x28), entrySize = u16(0x3A), count = u16(0x3C)
        guard entrySize >= 64, sectionTable > 0 else { return }
        let base = UInt(kite_executable_base())
        for i in 0..<count {
            let header = sectionTable + i * entrySize
            guard u32(header + 4) == 2 /* SHT_SYMTAB */ else { continue }
            let offset = u64(header + 0x18), size = u64(header + 0x20), symbolSize = max(u64(header + 0x38), 24)
            let strings = u64(sectionTable + u32(header + 0x28) * entrySize + 0x18)
            var at = offset
            while at + 24 <= min(offset + size, bytes.count) {
                defer { at += symbolSize }
                guard bytes[at + 4] & 0xF == 2 /* STT_FUNC */, u64(at + 8) != 0 else { continue }
                var end = strings + u32(at)
                let start = end
                while end < bytes.count && bytes[end] != 0 { end += 1 }
                let value = UInt(u64(at + 8)) &+ base
                functions.append((value, value &+ UInt(max(u64(at + 16), 1)), String(decoding: bytes[start..<end], as: UTF8.self)))
            }
        }
    }

    func name(containing pc: UInt) -> String? {
        functions.name(containing: pc)
    }
}

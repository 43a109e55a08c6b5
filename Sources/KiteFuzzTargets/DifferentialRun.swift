import Kite
import KiteBinary

/// Kite's side of the differential check against Wasmtime (Tools/differential.py, through
/// kite-runner's `exports` mode) and of its regression tests: instantiate without imports,
/// call every exported function with the given arguments, then report the exported
/// memories and globals. One line per item:
///   `N<TAB>ok<TAB>VALUES` or `N<TAB>trap<TAB>MESSAGE`   (N: position among exported functions)
///   `memory N<TAB>state<TAB>BYTES:CRC32`                (N: position among exported memories)
///   `global N<TAB>state<TAB>VALUE`
///   `-<TAB>error<TAB>MESSAGE` alone when the module does not instantiate.
/// Values: integers as unsigned decimal, floats as bits in hex (any NaN as `nan`), v128 as
/// `hi:lo` hex, references as `null` or `ref`.
public enum DifferentialRun {
    /// `arguments[N]`: the arguments of exported function N (missing: zeros), as the tokens
    /// `i32:DECIMAL`, `i64:DECIMAL`, `f32:HEXBITS`, `f64:HEXBITS` or `null`.
    public static func lines(_ bytes: [UInt8], arguments: [[String]] = [], metered: Bool = false) -> [String] {
        let store = Store()
        let instance: Instance
        do {
            instance = try store.instantiate(try CompiledModule(bytes: bytes, metered: metered))
        } catch {
            return ["-\terror\t" + describe(error)]
        }
        var lines: [String] = []
        // Exports are named by position: Wasm names may hold tabs and newlines.
        let functions = instance.exports.compactMap { export -> Function? in
            if case .function(let f) = export.value { return f } else { return nil }
        }
        for (position, function) in functions.enumerated() {
            let given = position < arguments.count ? arguments[position] : []
            let values = function.type.parameters.enumerated().map { i, type in
                i < given.count ? parse(given[i], type) : Value.zero(type)
            }
            do {
                let results = try function.invoke(values)
                lines.append("\(position)\tok\t" + results.map(text).joined(separator: ","))
            } catch {
                lines.append("\(position)\ttrap\t" + describe(error))
            }
        }
        var memories = 0, globals = 0
        for export in instance.exports {
            switch export.value {
            case .memory(let memory):
                let bytes = UnsafeRawBufferPointer(memory.bytes)
                lines.append("memory \(memories)\tstate\t\(bytes.count):\(crc32(bytes))")
                memories += 1
            case .global(let global):
                lines.append("global \(globals)\tstate\t" + text(global.value))
                globals += 1
            default:
                break
            }
        }
        return lines
    }

    static func describe(_ error: Error) -> String {
        let message = (error as? Trap)?.message ?? (error is WasmException ? "uncaught exception" : "\(error)")
        return message.split(separator: "\n").joined(separator: " ")
    }

    static func parse(_ token: String, _ type: ValueType) -> Value {
        let parts = token.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return .zero(type) }
        switch (parts[0], type) {
        case ("i32", .i32): return .i32(UInt32(parts[1]) ?? 0)
        case ("i64", .i64): return .i64(UInt64(parts[1]) ?? 0)
        case ("f32", .f32): return .f32(UInt32(parts[1], radix: 16) ?? 0)
        case ("f64", .f64): return .f64(UInt64(parts[1], radix: 16) ?? 0)
        default: return .zero(type)
        }
    }

    public static func text(_ value: Value) -> String {
        switch value {
        case .i32(let v): return String(v)
        case .i64(let v): return String(v)
        case .f32(let bits): return Float(bitPattern: bits).isNaN ? "nan" : String(bits, radix: 16)
        case .f64(let bits): return Double(bitPattern: bits).isNaN ? "nan" : String(bits, radix: 16)
        case .ref(.function(let f)): return f == nil ? "null" : "ref"
        case .ref(.extern(let e)): return e == nil ? "null" : "ref"
        case .ref(.exception(let x)): return x == nil ? "null" : "ref"
        case .ref(.any(let a)): return a == nil ? "null" : "ref"
        case .v128(let v): return String(v.hi, radix: 16) + ":" + String(v.lo, radix: 16)
        }
    }

    /// CRC-32 (IEEE, as zlib.crc32 computes it).
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}

/// What instantiation links a module's imports to: module name -> field name -> value.
///
/// Written as a dictionary literal, as in WasmKit:
/// ```swift
/// let imports: Imports = [
///     "printer": [
///         "print_i32": Function(store: store, parameters: [.i32]) { _, args in
///             print(args[0])
///             return []
///         }
///     ]
/// ]
/// ```
public struct Imports {
    /// Keyed by the bytes of the names: Wasm compares names byte-wise, while Swift String
    /// equality would merge canonically equivalent spellings.
    var values: [[UInt8]: [[UInt8]: ExternalValue]] = [:]

    /// No imports.
    public init() {}

    /// Makes `value` importable as `module`.`name` (replacing what was there).
    public mutating func define(module: String, name: String, _ value: some ExternalValueConvertible) {
        values[Array(module.utf8), default: [:]][Array(name.utf8)] = value.externalValue
    }

    /// Makes every export of an instance (`instance.exports`) importable under `module`.
    public mutating func define(module: String, _ exports: Exports) {
        for (name, value) in exports { define(module: module, name: name, value) }
    }

    /// `define(module:name:_:)` without argument labels.
    public mutating func define(_ module: String, _ name: String, _ value: ExternalValue) {
        define(module: module, name: name, value)
    }

    /// Makes every export of `instance` importable under `module` (the spec scripts' `register`).
    public mutating func register(_ module: String, _ instance: Instance) {
        define(module: module, instance.exports)
    }

    /// What `module`.`name` is linked to, if anything.
    public func lookup(_ module: String, _ name: String) -> ExternalValue? {
        values[Array(module.utf8)]?[Array(name.utf8)]
    }
}

extension Imports: ExpressibleByDictionaryLiteral {
    /// The imports of one module name, as a dictionary literal of field name -> value.
    public struct Value: ExpressibleByDictionaryLiteral {
        let definitions: [(String, ExternalValue)]
        /// `["name": value, ...]`.
        public init(dictionaryLiteral elements: (String, any ExternalValueConvertible)...) {
            definitions = elements.map { ($0.0, $0.1.externalValue) }
        }
    }

    /// `["module": ["name": value, ...], ...]`.
    public init(dictionaryLiteral elements: (String, Value)...) {
        for (module, fields) in elements {
            for (name, value) in fields.definitions { define(module: module, name: name, value) }
        }
    }
}

/// Anything an instance can import: a function, table, memory, global or tag, or an
/// `ExternalValue` holding one.
public protocol ExternalValueConvertible {
    /// The value as an import or export.
    var externalValue: ExternalValue { get }
}

extension ExternalValue: ExternalValueConvertible {
    public var externalValue: ExternalValue { self }
}

extension Function: ExternalValueConvertible {
    public var externalValue: ExternalValue { .function(self) }
}

extension Memory: ExternalValueConvertible {
    public var externalValue: ExternalValue { .memory(self) }
}

extension Table: ExternalValueConvertible {
    public var externalValue: ExternalValue { .table(self) }
}

extension Tag: ExternalValueConvertible {
    public var externalValue: ExternalValue { .tag(self) }
}

extension Global: ExternalValueConvertible {
    public var externalValue: ExternalValue { .global(self) }
}

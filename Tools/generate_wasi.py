#!/usr/bin/env python3
"""Derives Kite's WASI preview1 bindings from the witx files in Tools/witx/.

    python3 Tools/generate_wasi.py          # rewrite the generated file
    python3 Tools/generate_wasi.py --check  # exit 1 if the committed file is stale

Output (committed): Sources/KiteWASI/Generated/WASIBindings.generated.swift
  - the witx types: integer aliases, enums (Errno with each value's name and description),
    flags as OptionSets, records and unions with their guest-memory layout;
  - `protocol WASIPreview1`: one method per witx function, Swift-typed;
  - `WASIPreview1.define(into:store:trace:)`: registers every function into `Imports`,
    converting the core-wasm arguments, checking every guest pointer (`errno::fault`),
    calling the method and writing its results through the guest's result pointers.

Because the glue calls one protocol method per witx function, a function added to the witx
and not implemented by the host is a compile error ("does not conform to protocol").
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WITX_DIR = os.path.join(ROOT, "Tools", "witx")
MAIN_WITX = os.path.join(WITX_DIR, "wasi_snapshot_preview1.witx")
OUT = os.path.join(ROOT, "Sources", "KiteWASI", "Generated", "WASIBindings.generated.swift")


# ----------------------------------------------------------------------------------------
# S-expressions

class Atom:
    def __init__(self, text, doc, quoted=False):
        self.text, self.doc, self.quoted = text, doc, quoted

    def __repr__(self):
        return self.text


class SList(list):
    doc = ""


def tokenize(text, path):
    """Yields ('(' | ')' | 'atom' | 'string', value, doc) with `;;;` doc lines attached to
    the token that follows them."""
    i, n, doc = 0, len(text), []
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif text.startswith(";;", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            line = text[i:end]
            if line.startswith(";;;"):
                body = line[3:]
                doc.append(body[1:] if body.startswith(" ") else body)
            i = end
        elif c == "(" or c == ")":
            yield (c, c, "\n".join(doc))
            doc = []
            i += 1
        elif c == '"':
            end = text.index('"', i + 1)
            yield ("string", text[i + 1:end], "\n".join(doc))
            doc = []
            i = end + 1
        else:
            m = re.compile(r"[^\s()\";]+").match(text, i)
            if not m:
                sys.exit(f"{path}: unexpected character {c!r} at offset {i}")
            yield ("atom", m.group(0), "\n".join(doc))
            doc = []
            i = m.end()


def parse_sexprs(path):
    text = open(path).read()
    stack, top = [], SList()
    for kind, value, doc in tokenize(text, path):
        if kind == "(":
            node = SList()
            node.doc = doc
            stack.append(top)
            top.append(node)
            top = node
        elif kind == ")":
            if not stack:
                sys.exit(f"{path}: unbalanced ')'")
            top = stack.pop()
        else:
            top.append(Atom(value, doc, quoted=(kind == "string")))
    if stack:
        sys.exit(f"{path}: unbalanced '('")
    return top


def head(node):
    return node[0].text if isinstance(node, SList) and node and isinstance(node[0], Atom) else None


def is_witx(node, word):
    return isinstance(node, SList) and head(node) == "@witx" and node[1].text == word


def ident(atom):
    if not isinstance(atom, Atom) or not atom.text.startswith("$"):
        sys.exit(f"expected an identifier, got {atom!r}")
    return atom.text[1:]


# ----------------------------------------------------------------------------------------
# The witx type model

INT_BITS = {"u8": 8, "u16": 16, "u32": 32, "u64": 64, "s64": 64}
SWIFT_INT = {"u8": "UInt8", "u16": "UInt16", "u32": "UInt32", "u64": "UInt64", "s64": "Int64"}


class T:
    """A witx type: kind is builtin | ref | enum | flags | record | union | handle | list | pointer."""

    def __init__(self, kind, **kw):
        self.kind = kind
        self.__dict__.update(kw)


def parse_type(node):
    if isinstance(node, Atom):
        if node.text.startswith("$"):
            return T("ref", name=node.text[1:])
        if node.text in INT_BITS or node.text == "string":
            return T("builtin", name=node.text)
        sys.exit(f"unknown type {node.text}")
    h = head(node)
    if h == "@witx" and node[1].text in ("pointer", "const_pointer"):
        return T("pointer", pointee=parse_type(node[2]), const=node[1].text == "const_pointer")
    if h == "handle":
        return T("handle")
    if h == "list":
        return T("list", element=parse_type(node[1]))
    if h == "enum":
        assert is_witx(node[1], "tag"), node
        cases = [(ident(a), a.doc) for a in node[2:]]
        return T("enum", repr=node[1][2].text, cases=cases)
    if h == "flags":
        assert is_witx(node[1], "repr"), node
        flags = [(ident(a), a.doc) for a in node[2:]]
        return T("flags", repr=node[1][2].text, flags=flags)
    if h == "record":
        fields = []
        for f in node[1:]:
            assert head(f) == "field", f
            fields.append((ident(f[1]), parse_type(f[2]), f.doc))
        return T("record", fields=fields)
    if h == "union":
        assert is_witx(node[1], "tag"), node
        return T("union", tag=ident(node[1][2]), variants=[ident(a) for a in node[2:]])
    sys.exit(f"unknown type form {node!r}")


class Function:
    def __init__(self, name, doc, params, results, noreturn):
        self.name, self.doc, self.params, self.results, self.noreturn = name, doc, params, results, noreturn


def load_witx(path, types, functions):
    for node in parse_sexprs(path):
        h = head(node)
        if h == "use":
            load_witx(os.path.join(os.path.dirname(path), node[1].text), types, functions)
        elif h == "typename":
            name = ident(node[1])
            types[name] = (parse_type(node[2]), node.doc)
            types_order.append(name)
        elif h == "module":
            for item in node[2:]:
                if head(item) == "import":
                    continue
                if head(item) != "@interface" or head(item[2]) != "export":
                    sys.exit(f"unexpected module item {item!r}")
                name = item[2][1].text
                params, results, noreturn = [], [], False
                for part in item[3:]:
                    if head(part) == "param":
                        params.append((ident(part[1]), parse_type(part[2]), part.doc))
                    elif head(part) == "result":
                        results.append((ident(part[1]), parse_type(part[2]), part.doc))
                    elif is_witx(part, "noreturn"):
                        noreturn = True
                    else:
                        sys.exit(f"{name}: unexpected {part!r}")
                if not noreturn:
                    if not results or results[0][1].kind != "ref" or results[0][1].name != "errno":
                        sys.exit(f"{name}: the first result must be `(result $error $errno)`")
                functions.append(Function(name, item.doc, params, results[1:], noreturn))
        else:
            sys.exit(f"{path}: unexpected top-level form {node!r}")


types_order = []


def resolve(t, types):
    while t.kind == "ref":
        t = types[t.name][0]
    return t


def camel(name, upper=False):
    if name == "2big":
        return "TooBig" if upper else "tooBig"
    parts = name.split("_")
    out = "".join(p[:1].upper() + p[1:] for p in parts)
    return out if upper else out[:1].lower() + out[1:]


SWIFT_KEYWORDS = {"in", "default", "case", "func", "var", "let", "is", "as", "do", "if", "for",
                  "while", "return", "self", "Self", "true", "false", "nil", "repeat", "switch",
                  "where", "try", "throw", "throws", "struct", "class", "enum", "protocol", "import",
                  "init", "deinit", "operator", "static", "private", "public", "internal", "break",
                  "continue", "defer", "guard", "else", "fallthrough", "inout", "subscript", "extension",
                  "typealias", "associatedtype", "any", "some"}


def swift_ident(name):
    c = camel(name)
    return f"`{c}`" if c in SWIFT_KEYWORDS else c


def bare(name):
    return name.strip("`")


class Layout:
    def __init__(self, types):
        self.types = types

    def size_align(self, t):
        t = resolve(t, self.types) if t.kind == "ref" else t
        if t.kind == "builtin":
            if t.name == "string":
                return 8, 4
            b = INT_BITS[t.name] // 8
            return b, b
        if t.kind in ("enum", "flags"):
            b = INT_BITS[t.repr] // 8
            return b, b
        if t.kind in ("handle", "pointer"):
            return 4, 4
        if t.kind == "list":
            return 8, 4
        if t.kind == "record":
            offsets, size, align = self.record(t)
            return size, align
        if t.kind == "union":
            tag_size, payload, size, align = self.union(t)
            return size, align
        sys.exit(f"no layout for {t.kind}")

    def record(self, t):
        offset, align, offsets = 0, 1, []
        for _, ft, _ in t.fields:
            s, a = self.size_align(ft)
            offset = (offset + a - 1) // a * a
            offsets.append(offset)
            offset += s
            align = max(align, a)
        return offsets, (offset + align - 1) // align * align, align

    def union(self, t):
        tag_size, _ = self.size_align(T("ref", name=t.tag))
        payload_size, payload_align = 0, 1
        for v in t.variants:
            s, a = self.size_align(T("ref", name=v))
            payload_size, payload_align = max(payload_size, s), max(payload_align, a)
        align = max(tag_size, payload_align)
        payload = (tag_size + payload_align - 1) // payload_align * payload_align
        size = (payload + payload_size + align - 1) // align * align
        return tag_size, payload, size, align


# ----------------------------------------------------------------------------------------
# Swift emission

def doc_lines(doc, indent):
    return [f"{indent}/// {line}".rstrip() for line in doc.split("\n")] if doc.strip() else []


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Emitter:
    def __init__(self, types, functions):
        self.types, self.functions, self.layout = types, functions, Layout(types)
        self.out = []

    def w(self, line=""):
        self.out.append(line)

    # Swift spelling of a witx type (as a parameter, field or result)
    def swift(self, t):
        if t.kind == "ref":
            return camel(t.name, upper=True)
        if t.kind == "builtin":
            return "String" if t.name == "string" else SWIFT_INT[t.name]
        if t.kind == "pointer":
            return f"GuestPointer<{self.swift(t.pointee)}>"
        if t.kind == "list":
            return f"GuestArray<{self.swift(t.element)}>"
        if t.kind == "handle":
            return "UInt32"
        sys.exit(f"no Swift type for anonymous {t.kind}")

    def core_types(self, t):
        r = resolve(t, self.types)
        if r.kind == "builtin" and r.name == "string" or r.kind == "list":
            return ["i32", "i32"]
        if r.kind in ("handle", "pointer"):
            return ["i32"]
        bits = INT_BITS[r.name if r.kind == "builtin" else r.repr]
        return ["i64" if bits == 64 else "i32"]

    # -- types ------------------------------------------------------------------------
    def emit_types(self):
        for name in types_order:
            t, doc = self.types[name]
            sname = camel(name, upper=True)
            for line in doc_lines(doc, ""):
                self.w(line)
            if t.kind == "builtin":
                self.w(f"public typealias {sname} = {self.swift(t)}")
            elif t.kind == "handle":
                self.w(f"public typealias {sname} = UInt32")
            elif t.kind == "list":
                self.w(f"public typealias {sname} = GuestArray<{self.swift(t.element)}>")
            elif t.kind == "enum":
                self.emit_enum(name, t)
            elif t.kind == "flags":
                self.emit_flags(name, t)
            elif t.kind == "record":
                self.emit_record(name, t)
            elif t.kind == "union":
                self.emit_union(name, t)
            else:
                sys.exit(f"typename {name}: unsupported {t.kind}")
            self.w()

    def emit_enum(self, name, t):
        sname, raw = camel(name, upper=True), SWIFT_INT[t.repr]
        conformances = f"{raw}, GuestType, CaseIterable, Sendable"
        if name == "errno":
            conformances += ", Error, CustomStringConvertible"
        self.w(f"public enum {sname}: {conformances} {{")
        for i, (case, doc) in enumerate(t.cases):
            for line in doc_lines(doc, "    "):
                self.w(line)
            self.w(f"    case {swift_ident(case)} = {i}")
        self.w()
        self.w(f"    public static var guestSize: UInt32 {{ {INT_BITS[t.repr] // 8} }}")
        self.w(f"    public static var guestAlignment: UInt32 {{ {INT_BITS[t.repr] // 8} }}")
        self.w()
        self.w("    /// The value a core-wasm argument holds, or `inval` when it names no case.")
        self.w(f"    @inline(__always) public static func fromCore(_ raw: UInt64) throws(Errno) -> {sname} {{")
        self.w(f"        guard raw < {len(t.cases)}, let value = {sname}(rawValue: {raw}(raw)) else {{ throw Errno.inval }}")
        self.w("        return value")
        self.w("    }")
        self.w()
        self.w(f"    public static func load(from memory: GuestMemory, at address: UInt32) throws(Errno) -> {sname} {{")
        self.w(f"        try fromCore(UInt64(try memory.load({raw}.self, at: address)))")
        self.w("    }")
        self.w()
        self.w("    public func store(to memory: GuestMemory, at address: UInt32) throws(Errno) {")
        self.w("        try memory.store(rawValue, at: address)")
        self.w("    }")
        self.w()
        self.w("    /// The witx name of the value.")
        self.w("    public var witxName: String {")
        self.w("        switch self {")
        for case, _ in t.cases:
            self.w(f"        case .{bare(swift_ident(case))}: return {swift_string(case)}")
        self.w("        }")
        self.w("    }")
        if name == "errno":
            self.w()
            self.w("    /// The name wasmtime's trace prints: `Errno::Success`, `Errno::Badf`, `Errno::TooBig`.")
            self.w("    public var traceName: String {")
            self.w("        switch self {")
            for case, _ in t.cases:
                self.w(f"        case .{bare(swift_ident(case))}: return {swift_string(camel(case, upper=True))}")
            self.w("        }")
            self.w("    }")
            self.w()
            self.w("    /// The specification's description of the value.")
            self.w("    public var summary: String {")
            self.w("        switch self {")
            for case, doc in t.cases:
                self.w(f"        case .{bare(swift_ident(case))}: return {swift_string(' '.join(doc.split()))}")
            self.w("        }")
            self.w("    }")
            self.w()
            self.w("    public var description: String { \"\\(summary) (Errno::\\(traceName)(\\(rawValue)))\" }")
        self.w("}")

    def emit_flags(self, name, t):
        sname, raw = camel(name, upper=True), SWIFT_INT[t.repr]
        self.w(f"public struct {sname}: OptionSet, GuestType, Hashable, Sendable, CustomStringConvertible {{")
        self.w(f"    public let rawValue: {raw}")
        self.w(f"    public init(rawValue: {raw}) {{ self.rawValue = rawValue }}")
        self.w()
        for i, (flag, doc) in enumerate(t.flags):
            for line in doc_lines(doc, "    "):
                self.w(line)
            self.w(f"    public static let {swift_ident(flag)} = {sname}(rawValue: 1 << {i})")
        self.w()
        all_names = ", ".join("." + bare(swift_ident(f)) for f, _ in t.flags)
        self.w(f"    /// Every flag the specification defines.")
        self.w(f"    public static let all: {sname} = [{all_names}]")
        self.w()
        self.w(f"    public static var guestSize: UInt32 {{ {INT_BITS[t.repr] // 8} }}")
        self.w(f"    public static var guestAlignment: UInt32 {{ {INT_BITS[t.repr] // 8} }}")
        self.w(f"    public static func load(from memory: GuestMemory, at address: UInt32) throws(Errno) -> {sname} {{")
        self.w(f"        {sname}(rawValue: try memory.load({raw}.self, at: address))")
        self.w("    }")
        self.w("    public func store(to memory: GuestMemory, at address: UInt32) throws(Errno) {")
        self.w("        try memory.store(rawValue, at: address)")
        self.w("    }")
        self.w()
        self.w("    public var description: String {")
        self.w("        var names: [String] = []")
        for flag, _ in t.flags:
            self.w(f"        if contains(.{bare(swift_ident(flag))}) {{ names.append({swift_string(flag)}) }}")
        self.w("        return names.isEmpty ? \"0\" : names.joined(separator: \"|\")")
        self.w("    }")
        self.w("}")

    def emit_record(self, name, t):
        sname = camel(name, upper=True)
        offsets, size, align = self.layout.record(t)
        self.w(f"public struct {sname}: GuestType, Sendable {{")
        for (fname, ftype, doc), offset in zip(t.fields, offsets):
            for line in doc_lines(doc, "    "):
                self.w(line)
            self.w(f"    public var {swift_ident(fname)}: {self.swift(ftype)}")
        params = ", ".join(f"{bare(swift_ident(f))}: {self.swift(ft)}" for f, ft, _ in t.fields)
        self.w()
        self.w(f"    public init({params}) {{")
        for f, _, _ in t.fields:
            self.w(f"        self.{swift_ident(f)} = {swift_ident(f)}")
        self.w("    }")
        self.w()
        self.w(f"    public static var guestSize: UInt32 {{ {size} }}")
        self.w(f"    public static var guestAlignment: UInt32 {{ {align} }}")
        self.w("    /// Byte offsets of the fields within the record.")
        self.w("    public enum Offset {")
        for (f, _, _), offset in zip(t.fields, offsets):
            self.w(f"        public static let {swift_ident(f)}: UInt32 = {offset}")
        self.w("    }")
        self.w()
        self.w(f"    public static func load(from memory: GuestMemory, at address: UInt32) throws(Errno) -> {sname} {{")
        self.w(f"        _ = try memory.check(address, {size})")
        args = []
        for (f, ft, _), offset in zip(t.fields, offsets):
            args.append(f"{bare(swift_ident(f))}: try {self.swift(ft)}.load(from: memory, at: address + {offset})")
        self.w(f"        return {sname}(")
        for i, a in enumerate(args):
            self.w(f"            {a}{',' if i + 1 < len(args) else ''}")
        self.w("        )")
        self.w("    }")
        self.w()
        self.w("    public func store(to memory: GuestMemory, at address: UInt32) throws(Errno) {")
        self.w(f"        _ = try memory.check(address, {size})")
        prev_end = 0
        for (f, ft, _), offset in zip(t.fields, offsets):
            if offset > prev_end:
                self.w(f"        try memory.write(repeatElement(0 as UInt8, count: {offset - prev_end}), at: address + {prev_end})")
            self.w(f"        try {swift_ident(f)}.store(to: memory, at: address + {offset})")
            prev_end = offset + self.layout.size_align(ft)[0]
        if size > prev_end:
            self.w(f"        try memory.write(repeatElement(0 as UInt8, count: {size - prev_end}), at: address + {prev_end})")
        self.w("    }")
        self.w("}")

    def emit_union(self, name, t):
        sname = camel(name, upper=True)
        tag = self.types[t.tag][0]
        tag_name = camel(t.tag, upper=True)
        tag_size, payload, size, align = self.layout.union(t)
        self.w(f"public enum {sname}: GuestType, Sendable {{")
        cases = [c for c, _ in tag.cases]
        for case, variant in zip(cases, t.variants):
            self.w(f"    case {swift_ident(case)}({camel(variant, upper=True)})")
        self.w()
        self.w(f"    public static var guestSize: UInt32 {{ {size} }}")
        self.w(f"    public static var guestAlignment: UInt32 {{ {align} }}")
        self.w(f"    /// Where the variant's contents start (the tag, a `{tag_name}`, is at offset 0).")
        self.w(f"    public static let payloadOffset: UInt32 = {payload}")
        self.w()
        self.w(f"    public var tag: {tag_name} {{")
        self.w("        switch self {")
        for case in cases:
            self.w(f"        case .{bare(swift_ident(case))}: return .{bare(swift_ident(case))}")
        self.w("        }")
        self.w("    }")
        self.w()
        self.w(f"    public static func load(from memory: GuestMemory, at address: UInt32) throws(Errno) -> {sname} {{")
        self.w(f"        _ = try memory.check(address, {size})")
        self.w(f"        switch try {tag_name}.load(from: memory, at: address) {{")
        for case, variant in zip(cases, t.variants):
            self.w(f"        case .{bare(swift_ident(case))}: return .{bare(swift_ident(case))}(try {camel(variant, upper=True)}.load(from: memory, at: address + {payload}))")
        self.w("        }")
        self.w("    }")
        self.w()
        self.w("    public func store(to memory: GuestMemory, at address: UInt32) throws(Errno) {")
        self.w(f"        try memory.write(repeatElement(0 as UInt8, count: {size}), at: address)")
        self.w("        try tag.store(to: memory, at: address)")
        self.w("        switch self {")
        for case in cases:
            self.w(f"        case .{bare(swift_ident(case))}(let contents): try contents.store(to: memory, at: address + {payload})")
        self.w("        }")
        self.w("    }")
        self.w("}")

    # -- functions --------------------------------------------------------------------
    def needs_memory(self, f):
        for _, t, _ in f.params:
            r = resolve(t, self.types)
            if r.kind in ("pointer", "list") or (r.kind == "builtin" and r.name == "string"):
                return True
        return bool(f.results)

    def takes_memory(self, f):
        """Whether the method receives the memory (it reads or writes through pointers itself)."""
        for _, t, _ in f.params:
            if resolve(t, self.types).kind in ("pointer", "list"):
                return True
        return False

    def method_signature(self, f):
        params = []
        if self.takes_memory(f):
            params.append("memory: GuestMemory")
        for pname, ptype, _ in f.params:
            params.append(f"{bare(swift_ident(pname))}: {self.swift(ptype)}")
        if f.noreturn:
            ret = " -> Never"
        elif not f.results:
            ret = ""
        elif len(f.results) == 1:
            ret = f" -> {self.swift(f.results[0][1])}"
        else:
            ret = " -> (" + ", ".join(f"{bare(swift_ident(n))}: {self.swift(t)}" for n, t, _ in f.results) + ")"
        return f"func {camel(f.name)}({', '.join(params)}) throws{ret}"

    def emit_protocol(self):
        self.w("/// The calls of `wasi_snapshot_preview1`, one method per witx function. A method")
        self.w("/// reports failure by throwing an `Errno` (the call returns it); any other error it")
        self.w("/// throws (`WASIExit`, `Trap`) propagates out of the guest's `invoke`. Results are")
        self.w("/// returned and written to the guest's result pointers by the generated glue.")
        self.w("public protocol WASIPreview1: AnyObject {")
        self.w("    /// The memory a call reads and writes: the one bound to the WASI instance, else the")
        self.w("    /// calling instance's exported \"memory\".")
        self.w("    func guestMemory(_ caller: Caller) throws -> GuestMemory")
        for f in self.functions:
            self.w()
            for line in doc_lines(f.doc, "    "):
                self.w(line)
            self.w(f"    {self.method_signature(f)}")
        self.w("}")

    def emit_glue(self):
        self.w("/// The module name WASI preview1 imports come from.")
        self.w("public let wasiPreview1ModuleName = \"wasi_snapshot_preview1\"")
        self.w()
        self.w("/// Every function of the witx, in declaration order.")
        names = ", ".join(swift_string(f.name) for f in self.functions)
        self.w(f"public let wasiPreview1FunctionNames: [String] = [{names}]")
        self.w()
        self.w("@inline(__always) private func coreI32(_ value: Value) -> UInt32 {")
        self.w("    if case .i32(let v) = value { return v }")
        self.w("    return 0")
        self.w("}")
        self.w()
        self.w("@inline(__always) private func coreI64(_ value: Value) -> UInt64 {")
        self.w("    if case .i64(let v) = value { return v }")
        self.w("    return 0")
        self.w("}")
        self.w()
        self.w("extension WASIPreview1 {")
        self.w("    /// Defines every `wasi_snapshot_preview1` function in `imports`, calling this host.")
        self.w("    /// `trace` (decided once, here) logs each call and its errno, as wasmtime's")
        self.w("    /// `RUST_LOG=wasi_common=trace` does; nil costs one branch per call.")
        self.w("    public func define(into imports: inout Imports, store: Store, trace: WASITrace? = nil) {")
        for f in self.functions:
            self.emit_function_glue(f)
        self.w("    }")
        self.w("}")

    def emit_function_glue(self, f):
        core_params = []  # (trace name, swift var, core type, signed)
        for pname, ptype, _ in f.params:
            cts = self.core_types(ptype)
            r = resolve(ptype, self.types)
            signed = r.kind == "builtin" and r.name == "s64"
            if len(cts) == 2:
                core_params.append((pname, camel(pname) + "Core", cts[0], False))
                core_params.append((pname + "_len", camel(pname) + "LenCore", cts[1], False))
            else:
                core_params.append((pname, camel(pname) + "Core", cts[0], signed))
        for rname, _, _ in f.results:
            core_params.append((rname, camel(rname) + "Out", "i32", False))
        core_results = [] if f.noreturn else ["i32"]
        ptypes = ", ".join("." + c for _, _, c, _ in core_params)
        rtypes = ", ".join("." + c for c in core_results)
        self.w()
        self.w(f"        // {f.name}")
        self.w(f"        imports.define(wasiPreview1ModuleName, {swift_string(f.name)}, .function(Function(store: store, type: FunctionType(parameters: [{ptypes}], results: [{rtypes}])) {{ caller, args in")
        for i, (_, var, ct, _) in enumerate(core_params):
            self.w(f"            let {var} = {'coreI32' if ct == 'i32' else 'coreI64'}(args[{i}])")
        trace_args = ", ".join(
            f"{n}=\\({'Int64(bitPattern: ' + v + ')' if s else v})" for n, v, _, s in core_params)
        self.w(f"            trace?.call(\"{f.name}({trace_args})\")")
        if f.noreturn:
            args = self.convert_args(f, "            ", None)
            self.w(f"            try self.{camel(f.name)}({args})")
            self.w("        }))")
            return
        self.w("            let errno: Errno")
        self.w("            do {")
        ind = "                "
        if self.needs_memory(f):
            self.w(f"{ind}let memory = try self.guestMemory(caller)")
        for rname, rtype, _ in f.results:
            size = self.layout.size_align(rtype)[0]
            self.w(f"{ind}_ = try memory.check({camel(rname)}Out, {size})")
        args = self.convert_args(f, ind, "memory" if self.takes_memory(f) else None)
        call = f"try self.{camel(f.name)}({args})"
        if not f.results:
            self.w(f"{ind}{call}")
        elif len(f.results) == 1:
            rname, rtype, _ = f.results[0]
            self.w(f"{ind}let result = {call}")
            self.w(f"{ind}try result.store(to: memory, at: {camel(rname)}Out)")
        else:
            self.w(f"{ind}let result = {call}")
            for rname, rtype, _ in f.results:
                self.w(f"{ind}try result.{swift_ident(rname)}.store(to: memory, at: {camel(rname)}Out)")
        self.w(f"{ind}errno = .success")
        self.w("            } catch let error as Errno {")
        self.w("                errno = error")
        self.w("            }")
        self.w("            trace?.result(errno)")
        self.w("            return [.i32(UInt32(errno.rawValue))]")
        self.w("        }))")

    def convert_args(self, f, ind, memory_label):
        """Emits conversions of the core arguments to Swift values; returns the call's argument list."""
        out = []
        if memory_label:
            out.append("memory: memory")
        for pname, ptype, _ in f.params:
            var = camel(pname)
            core = var + "Core"
            r = resolve(ptype, self.types)
            st = self.swift(ptype)
            if r.kind == "builtin" and r.name == "string":
                expr = f"try memory.string(at: {core}, count: {var}LenCore)"
            elif r.kind == "list":
                expr = f"try {st}(memory, address: {core}, count: {var}LenCore)"
            elif r.kind == "pointer":
                expr = f"{st}({core})"
            elif r.kind == "enum":
                expr = f"try {st}.fromCore(UInt64({core}))"
            elif r.kind == "flags":
                expr = f"{st}(rawValue: {SWIFT_INT[r.repr]}(truncatingIfNeeded: {core}))"
            elif r.kind == "handle":
                expr = core
            elif r.name == "s64":
                expr = f"Int64(bitPattern: {core})"
            else:
                expr = f"{SWIFT_INT[r.name]}(truncatingIfNeeded: {core})"
            self.w(f"{ind}let {swift_ident(pname)}Arg = {expr}".replace("`Arg", "Arg`"))
            out.append(f"{bare(swift_ident(pname))}: {swift_ident(pname)}Arg".replace("`Arg", "Arg`"))
        return ", ".join(out)

    def render(self):
        self.w("// Generated by Tools/generate_wasi.py from Tools/witx/*.witx. Do not edit.")
        self.w("// Regenerate with: python3 Tools/generate_wasi.py")
        self.w()
        self.w("import Kite")
        self.w()
        self.w("// MARK: - Types")
        self.w()
        self.emit_types()
        self.w("// MARK: - Calls")
        self.w()
        self.emit_protocol()
        self.w()
        self.w("// MARK: - Glue")
        self.w()
        self.emit_glue()
        return "\n".join(self.out) + "\n"


def generate():
    types, functions = {}, []
    types_order.clear()
    load_witx(MAIN_WITX, types, functions)
    return Emitter(types, functions).render()


def main():
    text = generate()
    if "--check" in sys.argv:
        current = open(OUT).read() if os.path.exists(OUT) else None
        if current != text:
            print(f"{os.path.relpath(OUT, ROOT)} is stale: run python3 Tools/generate_wasi.py")
            sys.exit(1)
        print("WASI bindings are up to date")
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()

"""Just enough of the WebAssembly binary format for the benchmark harness: a module's function
imports with their types (wasm3 links host functions by signature) and whether it declares Wasm GC
types (engines without GC cannot run it)."""

from dataclasses import dataclass

VALUE_TYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128"}
FUNC_FORM = 0x60
TYPED_REF = (0x63, 0x64)  # (ref null ht), (ref ht): followed by a heap type


@dataclass
class FuncImport:
    module: str
    name: str
    params: list[str]
    results: list[str]


@dataclass
class ModuleInfo:
    func_imports: list[FuncImport]  # not read (empty) when needs_gc
    needs_gc: bool


class Reader:
    def __init__(self, data: bytes, pos: int = 0):
        self.data, self.pos = data, pos

    def byte(self) -> int:
        self.pos += 1
        return self.data[self.pos - 1]

    def uleb(self) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return result

    def name(self) -> str:
        n = self.uleb()
        self.pos += n
        return self.data[self.pos - n:self.pos].decode()

    def value_type(self) -> str:
        b = self.byte()
        if b in TYPED_REF:
            self.uleb()  # the heap type: an s33, whose bytes a uleb skips alike
            return "ref"
        return VALUE_TYPES.get(b, "ref")  # every other one-byte type is a reference type

    def limits(self) -> None:
        flags = self.uleb()
        self.uleb()
        if flags & 1:
            self.uleb()


def read_module(data: bytes) -> ModuleInfo:
    """Reads the type and import sections (the sections come in order: the rest is skipped)."""
    if data[:4] != b"\0asm":
        raise ValueError("not a WebAssembly binary")
    r = Reader(data, 8)
    types: list[tuple[list[str], list[str]]] = []
    while r.pos < len(data):
        section, size = r.byte(), r.uleb()
        end = r.pos + size
        if section == 1:
            types = read_types(r)
            if types is None:
                return ModuleInfo([], needs_gc=True)
        elif section == 2:
            return ModuleInfo(read_imports(r, types), needs_gc=False)
        elif section != 0:  # 0 is a custom section, allowed anywhere
            break
        r.pos = end
    return ModuleInfo([], needs_gc=False)


def read_types(r: Reader) -> list[tuple[list[str], list[str]]] | None:
    """The function types, or None for a GC type section (rec, sub, struct or array types)."""
    types = []
    for _ in range(r.uleb()):
        if r.byte() != FUNC_FORM:
            return None
        params = [r.value_type() for _ in range(r.uleb())]
        results = [r.value_type() for _ in range(r.uleb())]
        types.append((params, results))
    return types


def read_imports(r: Reader, types: list) -> list[FuncImport]:
    imports = []
    for _ in range(r.uleb()):
        module, name, kind = r.name(), r.name(), r.byte()
        if kind == 0:  # function
            params, results = types[r.uleb()]
            imports.append(FuncImport(module, name, params, results))
        elif kind == 1:  # table
            r.value_type()
            r.limits()
        elif kind == 2:  # memory
            r.limits()
        elif kind == 3:  # global
            r.value_type()
            r.byte()
        elif kind == 4:  # tag
            r.byte()
            r.uleb()
        else:
            raise ValueError(f"unknown import kind {kind}")
    return imports

#!/usr/bin/env python3
"""Derives Kite's handlers, encoder and printer metadata, decoder and text instruction table
from Tools/instructions.def (register ops, with the numeric, load and store instructions'
opcodes and mnemonics) and Tools/wasm-instructions.def (every other Wasm instruction's opcode,
mnemonic and immediate).

    python3 Tools/generate.py          # rewrite the generated files
    python3 Tools/generate.py --check  # exit 1 if a committed generated file is stale

Outputs (committed):
    Sources/CKiteDispatch/Handlers.generated.inc          C handlers + handler address table
    Sources/KiteTranslator/Generated/Ops.generated.swift  Op enum, layouts, emitters, lowering tables
    Sources/KiteBinary/Generated/Decoding.generated.swift the decoder's opcode switches
    Sources/KiteText/Generated/Instructions.generated.swift  mnemonic -> opcode and immediate, for
                                                          the WAT encoder
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, "Tools", "instructions.def")
C_OUT = os.path.join(ROOT, "Sources", "CKiteDispatch", "Handlers.generated.inc")
SWIFT_OUT = os.path.join(ROOT, "Sources", "KiteTranslator", "Generated", "Ops.generated.swift")
TEXT_OUT = os.path.join(ROOT, "Sources", "KiteText", "Generated", "Instructions.generated.swift")
WASM_TABLE = os.path.join(ROOT, "Tools", "wasm-instructions.def")
DECODE_OUT = os.path.join(ROOT, "Sources", "KiteBinary", "Generated", "Decoding.generated.swift")

CTYPE = {"i32": "uint32_t", "i64": "uint64_t", "f32": "float", "f64": "double"}
FIELD = {"i32": "u32", "i64": "u64", "f32": "f32", "f64": "f64"}
SWIFT_VT = {"i32": ".i32", "i64": ".i64", "f32": ".f32", "f64": ".f64"}
BITS = {"r": 16, "u32": 32, "i32": 32, "u64": 64}
CSIZE = {"uint8_t": 1, "int8_t": 1, "uint16_t": 2, "int16_t": 2, "uint32_t": 4, "int32_t": 4,
         "uint64_t": 8, "int64_t": 8, "float": 4, "double": 8}


class Op:
    def __init__(self, name, operands, body, kind, wasm=None, params=None, result=None, extra=None):
        self.name = name
        self.operands = operands  # [(name, kind)]
        self.body = body          # C statements, ending in a control transfer
        self.kind = kind          # op / binary / unary / compare / testz / load / store / fused
        self.wasm = wasm
        self.params = params or []
        self.result = result
        self.extra = extra or {}
        self.layout = layout(operands)

    @property
    def cname(self):
        # A superinstruction can join the same ops as a fused form (`i32.add_imm;br_if_i32.eq_imm`
        # beside the counting-loop `i32.add_imm+br_if_i32.eq_imm`): its own prefix keeps them apart.
        if self.kind == "accumulator":
            return f"acc_{self.extra['operand'].rstrip('_')}_" + self.extra["base"].cname
        return ("seq_" if self.kind == "sequence" else "") + re.sub(r"[^A-Za-z0-9]", "_", self.name)

    @property
    def swift_name(self):
        if self.kind == "accumulator":
            base = self.extra["base"].swift_name
            operand = self.extra["operand"].rstrip("_")
            return base + "Acc" + operand[:1].upper() + operand[1:]
        parts = re.split(r"[._+:;]", self.name)
        name = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
        return "seq" + name[:1].upper() + name[1:] if self.kind == "sequence" else name

    @property
    def words(self):
        return 1 + (max((w for (_, _, w, _) in self.layout), default=-1) + 1)


def layout(operands):
    """Packs fields in order into 64-bit words; a field never straddles two words."""
    out, word, bit = [], 0, 0
    for name, kind in operands:
        size = BITS[kind]
        if bit + size > 64:
            word, bit = word + 1, 0
        out.append((name, kind, word, bit))
        bit += size
    return out


# ---- 128-bit SIMD lines ----
# The C vector type each lane shape of a v128 is read as (SIMD.h), and Wasm's type for
# every type a `simd` line names.
SHAPES = {s: f"kite_{s}" for s in ("i8x16", "u8x16", "i16x8", "u16x8", "i32x4", "u32x4",
                                   "i64x2", "u64x2", "f32x4", "f64x2")}
WASM_TYPE = dict({s: "v128" for s in SHAPES}, i32="i32", i64="i64", f32="f32", f64="f64")
_wasm_by_name = None


def wasm_instruction(name):
    global _wasm_by_name
    if _wasm_by_name is None:
        _wasm_by_name = {w.name: w for w in parse_wasm()}
    return _wasm_by_name.get(name)


def simd_op(number, line):
    """One `simd NAME PARAMS -> RESULT EXPR` line: its handler, with the operands its Wasm
    instruction's immediate needs (see the section's comment in instructions.def)."""
    m = re.match(r"simd\s+(\S+)\s+(.*?)->\s+(\w+)\s+(.*)$", line)
    if not m:
        raise SystemExit(f"instructions.def:{number}: expected `simd NAME PARAMS -> RESULT EXPR`")
    name, params, result, expr = m.group(1), m.group(2).split(), m.group(3), m.group(4).strip()
    wasm = wasm_instruction(name)
    if wasm is None:
        raise SystemExit(f"instructions.def:{number}: {name} is not in wasm-instructions.def")
    opcode, immediate, align = wasm.opcode, wasm.immediate, wasm.align
    memory = params[:1] == ["addr"]
    values = params[1:] if memory else params
    if memory != (immediate in ("memarg", "memarg_lane")) or any(t not in WASM_TYPE for t in values) \
            or (result != "none" and result not in WASM_TYPE):
        raise SystemExit(f"instructions.def:{number}: the types of {name} do not fit its immediate")
    letters = "abc"
    operands = ([("dst", "r")] if result != "none" else []) + ([("addr", "r")] if memory else [])
    operands += [(letters[k] + "_", "r") for k in range(len(values))]
    if immediate in ("lane", "memarg_lane"):
        operands.append(("lane", "u32"))
    if immediate in ("v128", "shuffle"):
        operands += [("lo", "u64"), ("hi", "u64")]
    if memory:
        operands.append(("offset", "u32"))
    body = []
    if memory:
        size = 1 << align
        body.append(f"uint64_t ea = (uint64_t)sp[addr].u32 + offset; "
                    f"if (ea + {size} > memsize) TRAP(KITE_TRAP_OUT_OF_BOUNDS_MEMORY); uint8_t *p = mem + ea;")
    for k, t in enumerate(values):
        v = letters[k]
        if t in SHAPES:
            body.append(f"{SHAPES[t]} {v}; memcpy(&{v}, &sp[{v}_], 16);")
        else:
            body.append(f"{CTYPE[t]} {v} = sp[{v}_].{FIELD[t]};")
    if result == "none":
        body.append(expr.strip("{} ") + (";" if not expr.rstrip().endswith(("}", ";")) else ""))
    else:
        rtype = SHAPES.get(result) or CTYPE[result]
        body.append(f"{rtype} r; " + (expr if expr.startswith("{") else f"r = ({rtype})({expr});"))
        body.append(f"memcpy(&sp[dst], &r, 16);" if result in SHAPES else f"sp[dst].{FIELD[result]} = r;")
    params_wasm = (["i32"] if memory else []) + [WASM_TYPE[t] for t in values]
    result_wasm = None if result == "none" else WASM_TYPE[result]
    return Op(name, operands, " ".join(body) + "\n    NEXT();", "simd_memory" if memory else "simd", opcode,
              params_wasm, result_wasm, {"immediate": immediate, "align": align})


def value_body(expr, result_field):
    if expr.strip().startswith("{"):
        return f"{expr.strip()}"
    return f"r = ({expr});"


def parse():
    ops = []
    sequences = []  # (line, [op names]) of `fuse` lines, built once every op exists
    lines = open(TABLE).read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            raise SystemExit(f"instructions.def:{i}: body line without an entry")
        words = line.split()
        form = words[0]
        if form == "op":
            name = words[1]
            operands = [tuple(w.split(":")) for w in words[2:]]
            body = []
            while i < len(lines) and lines[i][:1].isspace() and lines[i].strip():
                body.append(lines[i].strip())
                i += 1
            ops.append(Op(name, operands, "\n    ".join(body), "op"))
        elif form in ("binary", "compare"):
            m = re.match(r"\s*\w+\s+(\S+)\s+(0x[0-9A-Fa-f]+)\s+(\w+)\s+(\w+)\s+->\s+(\w+)\s+(.*)$", line)
            name, wasm, t1, t2, tr, expr = m.groups()
            body = (f"{CTYPE[t1]} a = sp[a_].{FIELD[t1]}; {CTYPE[t2]} b = sp[b_].{FIELD[t2]}; "
                    f"{CTYPE[tr]} r; {value_body(expr, tr)} sp[dst].{FIELD[tr]} = r;\n    NEXT();")
            ops.append(Op(name, [("dst", "r"), ("a_", "r"), ("b_", "r")], body, form,
                          int(wasm, 16), [t1, t2], tr, {"expr": expr}))
        elif form in ("unary", "testz"):
            m = re.match(r"\s*\w+\s+(\S+)\s+(0x[0-9A-Fa-f]+)\s+(\w+)\s+->\s+(\w+)\s+(.*)$", line)
            name, wasm, t1, tr, expr = m.groups()
            body = (f"{CTYPE[t1]} a = sp[a_].{FIELD[t1]}; {CTYPE[tr]} r; {value_body(expr, tr)} "
                    f"sp[dst].{FIELD[tr]} = r;\n    NEXT();")
            ops.append(Op(name, [("dst", "r"), ("a_", "r")], body, form, int(wasm, 16), [t1], tr,
                          {"expr": expr}))
        elif form == "load":
            _, name, wasm, t, ctype, convert = line.split(None, 5)
            n = CSIZE[ctype]
            body = (f"uint64_t ea = (uint64_t)sp[addr].u32 + offset; "
                    f"if (ea + {n} > memsize) TRAP(KITE_TRAP_OUT_OF_BOUNDS_MEMORY); "
                    f"{ctype} v; memcpy(&v, mem + ea, {n}); sp[dst].{FIELD[t]} = {convert};\n    NEXT();")
            ops.append(Op(name, [("dst", "r"), ("addr", "r"), ("offset", "u32")], body, "load",
                          int(wasm, 16), ["i32"], t, {"size": n}))
        elif form == "store":
            _, name, wasm, t, ctype, convert = line.split(None, 5)
            n = CSIZE[ctype]
            body = (f"uint64_t ea = (uint64_t)sp[addr].u32 + offset; "
                    f"if (ea + {n} > memsize) TRAP(KITE_TRAP_OUT_OF_BOUNDS_MEMORY); "
                    f"{CTYPE[t]} v = sp[value].{FIELD[t]}; {ctype} w = {convert}; memcpy(mem + ea, &w, {n});\n    NEXT();")
            ops.append(Op(name, [("addr", "r"), ("value", "r"), ("offset", "u32")], body, "store",
                          int(wasm, 16), ["i32", t], None, {"size": n}))
        elif form == "simd":
            ops.append(simd_op(i, line))
        elif form == "fuse":
            sequences.append((i, words[1:]))
        else:
            raise SystemExit(f"instructions.def:{i}: unknown form {form}")
    # Loads and stores of memories other than 0: the same access through the instance's
    # memory record instead of the registers that hold memory 0.
    multi = []
    for op in ops:
        if op.kind in ("load", "store", "simd_memory"):
            body = ("KiteMemory *m_ = ctx->instance->memories[memidx];\n    "
                    + op.body.replace("memsize", "m_->size").replace("mem + ea", "m_->base + ea"))
            multi.append(Op(op.name + "_mem", op.operands + [("memidx", "u32")], body, op.kind + "_mem",
                            extra={"of": op.name}))
    # Loads and stores of 64-bit memories (memory64): an i64 address, a 64-bit offset and
    # the memory index. A memory never exceeds 4 GiB here (Store caps it), so once address
    # and offset are each within the size, their sum plus the access size cannot overflow.
    for op in ops:
        if op.kind in ("load", "store", "simd_memory"):
            body = ("KiteMemory *m_ = ctx->instance->memories[memidx];\n    "
                    + op.body.replace("uint64_t ea = (uint64_t)sp[addr].u32 + offset; if (ea + ",
                                      "uint64_t at_ = sp[addr].u64; if (at_ > m_->size || offset > m_->size) TRAP(KITE_TRAP_OUT_OF_BOUNDS_MEMORY); "
                                      "uint64_t ea = at_ + offset; if (ea + ")
                    .replace("memsize", "m_->size").replace("mem + ea", "m_->base + ea"))
            operands = [f for f in op.operands if f[0] != "offset"] + [("memidx", "u32"), ("offset", "u64")]
            multi.append(Op(op.name + "_64", operands, body, op.kind + "_64", extra={"of": op.name}))
    ops = ops + multi
    # Immediate forms: the right operand is a constant carried in the instruction, so the
    # constant needs no frame slot (and no copy on function entry).
    immediates = []
    for op in ops:
        if op.kind in ("binary", "compare") and op.params[1] in CTYPE:
            t1, t2, tr = op.params[0], op.params[1], op.result
            wide = t2 in ("i64", "f64")
            imm = {"i32": "(uint32_t)imm", "i64": "imm", "f32": "kite_f32_from_bits((uint32_t)imm)",
                   "f64": "kite_f64_from_bits(imm)"}[t2]
            body = (f"{CTYPE[t1]} a = sp[a_].{FIELD[t1]}; {CTYPE[t2]} b = {imm}; "
                    f"{CTYPE[tr]} r; {value_body(op.extra['expr'], tr)} sp[dst].{FIELD[tr]} = r;\n    NEXT();")
            immediates.append(Op(op.name + "_imm", [("dst", "r"), ("a_", "r"), ("imm", "u64" if wide else "u32")], body,
                                 "immediate", extra={"of": op.name, "expr": op.extra["expr"], "type": t2}))
    ops = ops + immediates
    # SIMD operations on two v128 values whose right operand is a v128.const (compilers emit
    # the constant right before its use): the constant travels in the instruction, one
    # dispatch instead of two.
    for op in list(ops):
        if op.kind == "simd" and op.params == ["v128", "v128"] and op.extra["immediate"] is None:
            body = re.sub(r"(kite_\w+) b; memcpy\(&b, &sp\[b_\], 16\);", r"\1 b = (\1)(kite_u64x2){lo, hi};", op.body)
            operands = [("dst", "r"), ("a_", "r"), ("lo", "u64"), ("hi", "u64")]
            ops.append(Op(op.name + "_imm", operands, body, "simd_imm", extra={"of": op.name}))
    # Fused compare-and-branch: one instruction instead of a compare plus a br_if.
    fused = []
    for op in ops:
        if op.kind == "compare":
            t = op.params[0]
            load_ab = f"{CTYPE[t]} a = sp[a_].{FIELD[t]}; {CTYPE[t]} b = sp[b_].{FIELD[t]};"
            for prefix, neg in (("br_if_", ""), ("br_unless_", "!")):
                cond = f"!({op.extra['expr']})" if neg else op.extra['expr']
                body = f"{load_ab} if ({cond}) JUMP(off);\n    NEXT();"
                fused.append(Op(prefix + op.name, [("a_", "r"), ("b_", "r"), ("off", "i32")], body, "fused",
                                extra={"of": op.name, "negated": bool(neg)}))
        elif op.kind == "immediate" and any(o.name == op.extra["of"] and o.kind == "compare" for o in ops):
            t = op.extra["type"]
            wide = t in ("i64", "f64")
            load = f"{CTYPE[t]} a = sp[a_].{FIELD[t]}; {CTYPE[t]} b = {'imm' if wide else '(uint32_t)imm'};"
            for prefix, neg in (("br_if_", ""), ("br_unless_", "!")):
                cond = f"!({op.extra['expr']})" if neg else op.extra['expr']
                body = f"{load} if ({cond}) JUMP(off);\n    NEXT();"
                fused.append(Op(prefix + op.name, [("a_", "r"), ("imm", "u64" if wide else "u32"), ("off", "i32")], body,
                                "fused", extra={"of": op.name, "negated": bool(neg)}))
        elif op.kind == "testz":
            t = op.params[0]
            for prefix, neg in (("br_if_", ""), ("br_unless_", "!")):
                cond = f"!({op.extra['expr']})" if neg else op.extra['expr']
                body = f"{CTYPE[t]} a = sp[a_].{FIELD[t]}; if ({cond}) JUMP(off);\n    NEXT();"
                fused.append(Op(prefix + op.name, [("a_", "r"), ("off", "i32")], body, "fused",
                                extra={"of": op.name, "negated": bool(neg)}))
    # Counting loops: `x = x + step` followed by a fused i32 compare-and-branch on x becomes
    # one instruction (the shape every `for` loop's back edge compiles to).
    steps = []
    for f in fused:
        of = f.extra["of"]
        base = of[:-4] if of.endswith("_imm") else of
        if not base.startswith("i32.") or f.extra["negated"] or any(o.name == base and o.kind == "testz" for o in ops):
            continue
        expr = next(o.extra["expr"] for o in ops if o.name == base)
        if of.endswith("_imm"):
            operands = [("x", "r"), ("step", "u32"), ("limit", "u32"), ("off", "i32")]
            load_b = "uint32_t b = limit;"
        else:
            operands = [("x", "r"), ("b_", "r"), ("step", "u32"), ("off", "i32")]
            load_b = "uint32_t b = sp[b_].u32;"
        body = (f"uint32_t a = sp[x].u32 + step; sp[x].u32 = a; {load_b} if ({expr}) JUMP(off);\n    NEXT();")
        steps.append(Op("i32.add_imm+" + f.name, operands, body, "step", extra={"of": f.name}))
    ops = ops + fused + steps
    joined = []
    for line, tokens in sequences:
        op = superinstruction(line, tokens, ops + joined)
        if any(o.name == op.name for o in joined):
            raise SystemExit(f"instructions.def:{line}: {op.name} is fused twice")
        joined.append(op)
    for op in ops:
        if op.kind != "sequence":
            op.accumulates = accumulated_write(op)
            if op.accumulates:
                op.body = pass_in_accumulator(op.body, *op.accumulates)
            op.holds = branch_hold(op)
            if op.holds:
                op.body = hold_in_accumulator(op.body, *op.holds)
    return ops + joined + accumulator_forms(ops + joined)


# What ends a body that falls through to the next instruction, and what may not appear in
# one that is joined to a following instruction (it would leave the sequence early).
FALLTHROUGH_END = "NEXT();"
LEAVES = ("RETURN_FROM_FUNCTION", "CALL_FUNCTION", "CALL_LOCAL_FUNCTION", "TAIL_CALL_FUNCTION", "DISPATCH", "return;")


def falls_through(op):
    """Whether `op` always ends by continuing with the next instruction (or branching away
    conditionally first): only such ops may come before the last part of a superinstruction."""
    if op.kind == "sequence":
        return falls_through(op.extra["parts"][-1])
    if op.kind == "accumulator":
        return falls_through(op.extra["base"])
    body = op.body.rstrip()
    return body.endswith(FALLTHROUGH_END) and not body[:-len(FALLTHROUGH_END)].count("NEXT()") \
        and not any(word in body for word in LEAVES) and op.name != "br_table"


# The accumulator: every handler receives and passes on `acc`, a machine register that holds
# the integer value the last instruction wrote to a register (it still stores it to the
# frame too). An *accumulator form* `NAME@OPERAND` reads that operand from `acc` instead of
# the frame, which takes the store-to-load round trip through memory off the critical path.
# The translator uses one where the instruction just before, on every path into this one,
# wrote that very slot (Accumulator.swift follows the value through the code).
INT_FIELDS = {"u32": "uint32_t", "i32": "uint32_t", "u64": "uint64_t", "i64": "uint64_t"}
# The float accumulator `facc` (a double, in a vector register) does for f64 values what
# `acc` does for integers.
CARRIED_FIELDS = set(INT_FIELDS) | {"f64"}


def accumulator_of(field):
    """(accumulator, held value, its C type, conversion of the written value) for a field."""
    if field == "f64":
        return "facc", "fheld_", "double", "(double)"
    return "acc", "held_", "uint64_t", f"(uint64_t)({INT_FIELDS[field]})"
SLOT_WRITE = re.compile(r"sp\[([^\]]+)\](?:\.(\w+))?\s*=(?!=)")
SLOT_ESCAPES = re.compile(r"&sp\[|\bsp\b(?!\s*\[)")  # the frame used other than as sp[i]


def accumulated_write(op):
    """(operand, field) when `op` falls through after writing exactly one register, an
    integer, unconditionally: what it leaves in the accumulator. None otherwise."""
    if op.kind == "sequence" or not falls_through(op) or SLOT_ESCAPES.search(op.body):
        return None
    writes = SLOT_WRITE.findall(op.body)
    registers = {n for n, k in op.operands if k == "r"}
    if len(writes) != 1 or writes[0][0] not in registers or writes[0][1] not in CARRIED_FIELDS:
        return None
    statement = re.search(r"(^|[;{}])([^;{}]*)sp\[" + re.escape(writes[0][0]) + r"\](?:\.\w+)?\s*=(?!=)", op.body)
    if re.search(r"\bif\b|\belse\b|\?", statement.group(2)):
        return None  # written only on some paths
    if "JUMP(" in op.body[:statement.start(2)]:
        return None  # a branch taken before the write would arrive without the value
    return writes[0]


def pass_in_accumulator(body, operand, field):
    """Makes the one register write of `body` also leave the value in its accumulator
    (32-bit integers zero-extended)."""
    accumulator, held, ctype, convert = accumulator_of(field)
    write = re.search(r"sp\[" + re.escape(operand) + r"\]\." + field + r" = ([^;]*);", body)
    if field == "f64":
        store = f"{held} = {convert}({write.group(1)}); sp[{operand}].f64 = {held};"
    else:
        # The whole slot is written, a 32-bit value zero-extended: a later 64-bit read of the
        # slot (a copy, a select, a return) then gets the value forwarded from the store;
        # after a 4-byte store it would stall until the store reached the cache.
        store = f"{held} = {convert}({write.group(1)}); sp[{operand}].u64 = {held};"
    declared = f"{ctype} {held}; "
    body = declared + body[:write.start()] + store + body[write.end():]
    return commit_accumulator(body, len(declared) + write.start(), operand, accumulator, held)


def commit_accumulator(body, after, operand, accumulator, held):
    """Sets the accumulator after every other register operand has been read (an
    accumulator form may read one of those from it, which must still be the old value then)
    and before the body may jump (the branch carries it too)."""
    end = body.find("JUMP(", after)
    end = end if end >= 0 else body.rindex(FALLTHROUGH_END)
    statement = max([body.rfind(c, after, end) for c in ";{}"] + [after - 1]) + 1
    later = set(re.findall(r"sp\[(\w+)\]", body[statement:]))
    assert later <= {operand}, f"{body}: reads {later} after the accumulator is set"
    return (body[:statement] + f" {accumulator} = {held}; " + body[statement:].lstrip()).lstrip()


def accumulator_readable(op):
    """The register operands `op` only reads, always as integers or always as f64: those an
    accumulator form can take from `acc` or `facc`. [(operand, field of its first read)]"""
    out = []
    for name, kind in op.operands:
        if kind != "r":
            continue
        uses = re.findall(r"sp\[" + re.escape(name) + r"\](?:\.(\w+))?(\s*=(?!=))?", op.body)
        if not uses or any(write for _, write in uses):
            continue
        if all(field in INT_FIELDS for field, _ in uses) or all(field == "f64" for field, _ in uses):
            out.append((name, uses[0][0]))
    return out


ACC_READ = {"u32": "((uint32_t)acc)", "i32": "((int32_t)(uint32_t)acc)", "u64": "acc", "i64": "((int64_t)acc)",
            "f64": "facc"}


def accumulator_effects(op):
    """For the translator: (integer, float, lost). integer/float = the operand whose value
    `op` leaves in `acc`/`facc` (written, or tested by a branch), or 254 for none (the
    accumulator keeps what it held, unless `op` writes that very slot); lost = after `op`
    neither accumulator holds a known slot (a call or return, or an op that touches slots
    other than its operands)."""
    if op.kind in ("sequence", "accumulator"):
        return 254, 254, True
    held = getattr(op, "accumulates", None) or getattr(op, "holds", None)
    index = [n for n, _ in op.operands].index(held[0]) if held else 254
    lost = any(word in op.body for word in LEAVES) or not operand_access(op)[2]
    if held and held[1] == "f64":
        return 254, index, lost
    return index, 254, lost


def hold_in_accumulator(body, operand, field):
    """Makes a branch's body leave `operand` in its accumulator, on both of its paths."""
    accumulator, held, ctype, convert = accumulator_of(field)
    declared = f"const {ctype} {held} = {convert}sp[{operand}].{field};\n    "
    return commit_accumulator(declared + body, len(declared), operand, accumulator, held)


def continues_after(op):
    """Whether the instruction after `op` can run right after it, with the accumulator `op`
    left: `op` falls through (perhaps not taking a branch), or calls (the call returns there)."""
    if op.kind in ("sequence", "accumulator"):
        return True
    return "NEXT()" in op.body or re.search(r"\bCALL_(LOCAL_)?FUNCTION\(", op.body) is not None


def branch_hold(op):
    """A conditional branch that writes no register leaves the first integer register it
    tests in the accumulator, on both paths: (operand, field). A loop's back edge then
    arrives at the loop head with its counter or pointer in the accumulator."""
    if op.kind in ("sequence", "accumulator") or "off" not in [n for n, _ in op.operands]:
        return None
    if SLOT_WRITE.search(op.body) or SLOT_ESCAPES.search(op.body) or any(word in op.body for word in LEAVES):
        return None
    for name, field in accumulator_readable(op):
        return (name, field)
    return None


def operand_access(op):
    """(read mask, written mask, precise) over `op`'s operand indices, for the translator's
    analysis of which locals a function must zero on entry. Precise: every frame access is
    `sp[OPERAND]`; an op that reads `sp[a + 1]` (a v128's second slot) or hands the frame to
    a function is not. (Calls read their arguments at `sp + base` through macros: those are
    temporaries, never locals, so a call is precise about locals.)"""
    if op.kind in ("sequence", "accumulator"):
        return 0, 0, False
    precise = not SLOT_ESCAPES.search(op.body) and not re.search(r"sp\[\s*\w+\s*[-+]", op.body)
    read = written = 0
    for i, (name, kind) in enumerate(op.operands):
        if kind != "r":
            continue
        for m in re.finditer(r"sp\[" + re.escape(name) + r"\](?:\.\w+)?(\s*=(?!=))?", op.body):
            if m.group(1):
                written |= 1 << i
            else:
                read |= 1 << i
    return read, written, precise


def accumulator_forms(ops):
    forms = []
    for op in ops:
        first = op.extra["parts"][0] if op.kind == "sequence" else op
        for name, field in accumulator_readable(first):
            forms.append(Op(op.name + "@" + name.rstrip("_"), op.operands, None, "accumulator",
                            extra={"base": op, "operand": name, "float": field == "f64"}))
    return forms


def read_accumulator(body, operand):
    return re.sub(r"sp\[" + re.escape(operand) + r"\]\.(\w+)", lambda m: ACC_READ[m.group(1)], body)


def superinstruction(line, tokens, ops):
    """`fuse A B[:OPERAND] ...`: one handler that runs the bodies of A, B, ... in order with a
    single dispatch at the end. The instructions keep their own layout and handler words in the
    code (the translator only replaces A's handler word), so each body reads its operands where
    they already are, and a branch into the middle of the sequence still finds B's handler.
    A may itself be a superinstruction: its parts come first.

    `B:OPERAND` carries a value: that register operand of B names the slot the part before B
    has just written (its `dst`). The translator uses the superinstruction only where that
    holds, and the handler reads the slot through the very expression the previous part stored
    to, so the compiler passes the value in a register instead of reloading it from memory (a
    store-to-load round trip on the critical path)."""
    by_name = {op.name: op for op in ops}
    first = by_name.get(tokens[0])
    if first is None:
        raise SystemExit(f"instructions.def:{line}: fuse names unknown op {tokens[0]}")
    parts = list(first.extra["parts"]) if first.kind == "sequence" else [first]
    bindings = list(first.extra["bindings"]) if first.kind == "sequence" else []
    for token in tokens[1:]:
        name, _, field = token.partition(":")
        op = by_name.get(name)
        if op is None or op.kind == "sequence":
            raise SystemExit(f"instructions.def:{line}: fuse names unknown op {name}")
        if field:
            names = [n for n, k in op.operands if k == "r" and n != "dst"]
            match = [n for n in names if n.rstrip("_") == field]
            if not match or parts[-1].operands[:1] != [("dst", "r")]:
                raise SystemExit(f"instructions.def:{line}: {name} has no register operand {field} "
                                 f"that {parts[-1].name} can write")
            bindings.append((len(parts), match[0]))
        parts.append(op)
    for op in parts[:-1]:
        if not falls_through(op):
            raise SystemExit(f"instructions.def:{line}: {op.name} does not fall through; it can only end a sequence")
    name = ";".join(p.name + "".join(f":{f.rstrip('_')}" for k, f in bindings if k == i) for i, p in enumerate(parts))
    return Op(name, parts[0].operands, None, "sequence", extra={"parts": parts, "bindings": bindings})


def profile_tables(ops):
    """What Profile.h needs to tell a carried pair from a plain one: where each op writes its
    result register (byte offset from pc; for a superinstruction, its last part's) and where
    its first part reads registers."""
    written, reads = [], []
    for op in ops:
        parts = op.extra["parts"] if op.kind == "sequence" else [op]
        base = 8 * sum(p.words for p in parts[:-1])
        dst = [8 * (1 + w) + b // 8 for n, k, w, b in parts[-1].layout if n == "dst" and k == "r"]
        written.append(base + dst[0] if dst else 0)
        reads.append([(8 * (1 + w) + b // 8, n.rstrip("_")) for n, k, w, b in parts[0].layout if k == "r" and n != "dst"][:4])
    out = ["#ifdef KITE_PROFILE",
           "/// Byte offset (from pc) of the register each op writes last; 0: none.",
           "static const uint16_t kite_op_written[KITE_PROFILED_OP_COUNT] = {" + ", ".join(map(str, written)) + "};",
           "/// Byte offsets of the registers each op (its first part) reads, and their names.",
           "static const uint16_t kite_op_reads[KITE_PROFILED_OP_COUNT][4] = {"]
    out += ["    {" + ", ".join(str(at) for at, _ in r) + "}," if r else "    {0}," for r in reads]
    out += ["};", "static const char *const kite_op_read_names[KITE_PROFILED_OP_COUNT][4] = {"]
    out += ["    {" + ", ".join(f'"{n}"' for _, n in r) + "}," if r else "    {0}," for r in reads]
    out += ["};", "#endif", ""]
    return out


def gen_c(ops):
    profiled = [op for op in ops if op.kind != "accumulator"]
    index = {op.name: i for i, op in enumerate(ops)}
    out = ["// Generated by Tools/generate.py from Tools/instructions.def. Do not edit.",
           "// Each handler decodes its operands, does its work and tail-calls the next handler.", "",
           f"#define KITE_OP_COUNT {len(ops)}",
           "/// Ops the dynamic profile tells apart (an accumulator form counts as the op it reads for).",
           f"#define KITE_PROFILED_OP_COUNT {len(profiled)}", "",
           "/// Op names, in handler-table order (for the dynamic profile, Profile.h).",
           "static const char *const kite_op_names[KITE_PROFILED_OP_COUNT] __attribute__((unused)) = {"]
    out += [f"    \"{op.name}\"," for op in profiled]
    out += ["};", ""] + profile_tables(profiled) + ["#include \"Profile.h\"", ""]
    for idx, op in enumerate(ops):
        counted = index[op.extra["base"].name] if op.kind == "accumulator" else idx
        if op.kind == "sequence" or (op.kind == "accumulator" and op.extra["base"].kind == "sequence"):
            out += gen_c_sequence(counted, op)
            continue
        body, note = op.body, ""
        if op.kind == "accumulator":
            body = read_accumulator(op.extra["base"].body, op.extra["operand"])
            note = f" ({op.extra['operand'].rstrip('_')} from the accumulator)"
        out.append(f"// {op.name} " + " ".join(f"{n.rstrip('_')}:{k}" for n, k in op.operands) + note)
        out.append(f"KITE_HANDLER(kite_h_{op.cname}) {{")
        out.append(f"    enum {{ LEN = {op.words} }};")
        out.append(f"    KITE_COUNT({counted});")
        out += gen_c_operands(op)
        out.append(f"    {body}")
        out.append("}")
        out.append("")
    out.append("const kite_handler kite_handler_table[] = {")
    for op in ops:
        out.append(f"    kite_h_{op.cname},")
    out.append("};")
    out.append(f"const uint32_t kite_handler_count = {len(ops)};")
    return "\n".join(out) + "\n"


def gen_c_operands(op, indent="    "):
    """Each field is read with one load of its own width (little-endian words), which
    compiles to a single movzx/mov instead of a shift-and-mask of the whole word."""
    out = []
    for name, kind, word, bit in op.layout:
        at = 8 * (1 + word) + bit // 8
        if kind == "r":
            out.append(f"{indent}const uint32_t {name} = kite_operand_u16(pc, {at});")
        elif kind == "u32":
            out.append(f"{indent}const uint32_t {name} = kite_operand_u32(pc, {at});")
        elif kind == "i32":
            out.append(f"{indent}const int32_t {name} = (int32_t)kite_operand_u32(pc, {at});")
        else:
            out.append(f"{indent}const uint64_t {name} = pc[{1 + word}];")
    return out


def gen_c_sequence(idx, op):
    """A superinstruction's handler: each part in its own block (its own LEN and operand
    names), pc stepping from part to part; only the last part dispatches. Its accumulator
    form reads the first part's operand from `acc`."""
    from_acc = op.extra["operand"] if op.kind == "accumulator" else None
    seq = op.extra["base"] if from_acc else op
    parts = seq.extra["parts"]
    bound = {k: field for k, field in seq.extra["bindings"]}
    out = [f"// {op.name}: one dispatch for {len(parts)} instructions",
           f"KITE_HANDLER(kite_h_{op.cname}) {{",
           f"    enum {{ LEN = {sum(p.words for p in parts)} }};",
           f"    KITE_COUNT({idx});"]
    out += [f"    uint32_t written{k}_;" for k in bound]
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        body = part.body if last else part.body.rstrip()[:-len(FALLTHROUGH_END)].rstrip()
        if n in bound:
            # Read the slot the previous part wrote through the very expression it wrote.
            body = body.replace(f"sp[{bound[n]}]", f"sp[written{n}_]")
        if n == 0 and from_acc:
            body = read_accumulator(body, from_acc)
        out.append("    {")
        out.append(f"        enum {{ LEN = {part.words} }};")
        out += gen_c_operands(part, "        ")
        if n + 1 in bound:
            out.append(f"        written{n + 1}_ = dst;")
        out.append("        " + body.replace("\n    ", "\n        "))
        if not last:
            out.append("        pc += LEN;")
        out.append("    }")
    out.append("}")
    out.append("")
    return out


def gen_swift(ops):
    o = ["// Generated by Tools/generate.py from Tools/instructions.def. Do not edit.", "",
         "import KiteBinary", "",
         "/// Register-bytecode operations, in handler-table order.",
         "public enum Op: UInt16, CaseIterable, Sendable {"]
    for idx, op in enumerate(ops):
        o.append(f"    case {esc(op.swift_name)} = {idx}")
    o.append("}")
    o.append("")
    o.append("extension Op {")
    o.append("    /// The name the bytecode printer shows.")
    o.append("    public var name: String { Op.names[Int(rawValue)] }")
    o.append("    /// Instruction length in 64-bit words, handler word included (br_table adds its entries).")
    o.append("    public var wordCount: Int { Op.wordCounts[Int(rawValue)] }")
    o.append("    /// Operand fields in encoding order.")
    o.append("    /// (A superinstruction has the layout of its first part: `layouts` lists only the other")
    o.append("    /// ops, which keeps the literal small enough to compile.)")
    o.append("    public var operands: [OperandField] { Op.layouts[Int(Op.layoutIndex[Int(rawValue)])] }")
    o.append("")
    o.append("    static let names: [String] = [")
    for op in ops:
        o.append(f"        \"{op.name}\",")
    o.append("    ]")
    o.append("    static let wordCounts: [Int] = [" + ", ".join(str(op.words) for op in ops) + "]")
    plain = [op for op in ops if op.kind not in ("sequence", "accumulator")]
    index = {op.name: i for i, op in enumerate(plain)}
    assert all(ops[i] is op for i, op in enumerate(plain)), "superinstructions must come after every other op"

    def layout_of(op):
        op = op.extra["base"] if op.kind == "accumulator" else op
        return index[op.extra["parts"][0].name] if op.kind == "sequence" else index[op.name]
    o.append("    static let layoutIndex: [UInt16] = [" + ", ".join(str(layout_of(op)) for op in ops) + "]")
    o.append("")
    effects = [accumulator_effects(op) for op in ops]
    o.append("    /// What an op leaves in the accumulators (see Accumulator.swift): the operand whose value")
    o.append("    /// it leaves in `acc` (integer) or `facc` (f64), 254 for none; and whether both lose track.")
    o.append(swift_array("integerAccumulatorEffects", "UInt8", [e[0] for e in effects]))
    o.append(swift_array("floatAccumulatorEffects", "UInt8", [e[1] for e in effects]))
    o.append(swift_array("accumulatorsLost", "Bool", [e[2] for e in effects]))
    o.append("    /// Whether the next instruction can run right after an op (it falls through, or calls).")
    o.append(swift_array("continuesAfter", "Bool", [continues_after(op) for op in ops]))
    forms = {}
    index_of = {op.name: i for i, op in enumerate(ops)}
    for i, op in enumerate(ops):
        if op.kind == "accumulator":
            forms.setdefault(op.extra["base"].name, []).append(i)
    starts, flat = [], []
    for op in ops:
        starts.append(len(flat))
        flat += forms.get(op.name, [])
    starts.append(len(flat))
    o.append("    /// The accumulator forms of op i are accumulatorForms[accumulatorFormStarts[i]..<accumulatorFormStarts[i + 1]].")
    o.append(swift_array("accumulatorFormStarts", "UInt16", starts))
    o.append(swift_array("accumulatorForms", "UInt16", flat))
    o.append("    /// The operand (index in the layout) an accumulator form reads from the accumulator; 255 for other ops.")
    o.append(swift_array("accumulatorOperands", "UInt8", [
        [n for n, _ in op.operands].index(op.extra["operand"]) if op.kind == "accumulator" else 255 for op in ops]))
    o.append("    /// The op an accumulator form was derived from; every other op maps to itself.")
    o.append(swift_array("accumulatorFormBases", "UInt16", [
        index_of[op.extra["base"].name] if op.kind == "accumulator" else i for i, op in enumerate(ops)]))
    o.append("    /// Whether an accumulator form reads `facc` (an f64) rather than `acc`.")
    o.append(swift_array("accumulatorFormIsFloat", "Bool", [op.kind == "accumulator" and op.extra["float"] for op in ops]))
    access = [operand_access(op) for op in ops]
    o.append("    /// Which operands (bit i: operand i) an op reads and writes as frame slots, and whether")
    o.append("    /// those are all the frame slots it touches (see ZeroedLocals.swift).")
    o.append(swift_array("readOperandMasks", "UInt8", [a[0] for a in access]))
    o.append(swift_array("writtenOperandMasks", "UInt8", [a[1] for a in access]))
    o.append(swift_array("operandsPrecise", "Bool", [a[2] for a in access]))
    # One string, parsed once: a Swift literal of this many nested arrays overwhelms the type
    # checker and the optimizer. Ops are separated by `;`, fields by `,`: name kind word shift.
    spec = ";".join(",".join(f"{n.rstrip('_')} {k} {w} {b}" for (n, k, w, b) in op.layout)
                    for op in ops if op.kind not in ("sequence", "accumulator"))
    o.append("    static let layouts: [[OperandField]] = {")
    o.append("        let kinds: [Substring: OperandKind] = [\"r\": .register, \"u32\": .u32, \"i32\": .i32, \"u64\": .u64]")
    o.append(f"        let spec = \"{spec}\"")
    o.append("        return spec.split(separator: \";\", omittingEmptySubsequences: false).map { op in")
    o.append("            op.split(separator: \",\").map { field in")
    o.append("                let p = field.split(separator: \" \")")
    o.append("                return OperandField(name: String(p[0]), kind: kinds[p[1]]!, word: Int(p[2])!, shift: Int(p[3])!)")
    o.append("            }")
    o.append("        }")
    o.append("    }()")
    o.append("}")
    o.append("")
    # Typed emitters.
    o.append("extension CodeBuffer {")
    for op in ops:
        if op.kind in ("sequence", "accumulator"):
            continue  # never emitted: the translator's last passes choose them
        params = ", ".join(f"{esc(n.rstrip('_'))}: {swift_param_type(k)}" for n, k, _, _ in op.layout)
        o.append(f"    /// Emits `{op.name}`; returns the word index of the instruction.")
        o.append(f"    @discardableResult mutating func emit_{op.cname}({params}) -> Int {{")
        o.append(f"        let at = appendHandler(.{esc(op.swift_name)})")
        words = {}
        for n, k, w, b in op.layout:
            val = swift_word_expr(esc(n.rstrip('_')), k)
            words.setdefault(w, []).append(f"({val} << {b})" if b else val)
        for w in sorted(words):
            o.append(f"        appendWord({' | '.join(words[w])})")
        o.append("        return at")
        o.append("    }")
    o.append("}")
    o.append("")
    # Lowering tables.
    o.append("/// How a plain Wasm numeric operator lowers: its register op and its typing.")
    o.append("public struct NumericLowering: Sendable {")
    o.append("    public let op: Op")
    o.append("    public let parameters: [ValueType]")
    o.append("    public let result: ValueType")
    o.append("    /// Fused compare-and-branch forms, for integer comparisons.")
    o.append("    public let branchIf: Op?")
    o.append("    public let branchUnless: Op?")
    o.append("    /// The form whose right operand is an immediate, and its fused branches.")
    o.append("    public let immediate: Op?")
    o.append("    public let immediateBranchIf: Op?")
    o.append("    public let immediateBranchUnless: Op?")
    o.append("}")
    o.append("")
    o.append("public struct MemoryLowering: Sendable {")
    o.append("    public let op: Op")
    o.append("    public let type: ValueType")
    o.append("    /// Access size in bytes; the alignment immediate may not exceed its log2.")
    o.append("    public let size: Int")
    o.append("    /// The form for memories other than 0 (an extra `mem` operand).")
    o.append("    public let otherMemoryOp: Op")
    o.append("    /// The form for 64-bit memories (i64 address, memory index, 64-bit offset).")
    o.append("    public let memory64Op: Op")
    o.append("}")
    o.append("")
    fused = {(op.extra["of"], op.extra["negated"]): op for op in ops if op.kind == "fused"}
    immediates = {op.extra["of"]: op for op in ops if op.kind == "immediate"}
    o.append("/// A superinstruction: the ops it joins, and the operands (part, operand index) that must")
    o.append("/// name the slot the part before wrote (its operand 0, `dst`) for it to apply.")
    o.append("public struct Superinstruction: Sendable {")
    o.append("    public let parts: [Op]")
    o.append("    public let carried: [(part: Int, operand: Int)]")
    o.append("    public let op: Op")
    o.append("}")
    o.append("")
    o.append("/// Superinstructions (`fuse` lines) by first op: longest first, then those that carry a value.")
    o.append("/// (Built by statements, not one literal: a literal this large takes the type checker")
    o.append("/// minutes and gigabytes.)")
    o.append("public let superinstructions: [Op: [Superinstruction]] = {")
    o.append("    var table: [Op: [Superinstruction]] = [:]")
    o.append("    func add(_ parts: [Op], _ carried: [(part: Int, operand: Int)], _ op: Op) {")
    o.append("        table[parts[0], default: []].append(Superinstruction(parts: parts, carried: carried, op: op))")
    o.append("    }")
    sequences = [op for op in ops if op.kind == "sequence"]
    sequences.sort(key=lambda q: (q.extra["parts"][0].name, -len(q.extra["parts"]), -len(q.extra["bindings"])))
    for q in sequences:
        parts = q.extra["parts"]
        carried = ", ".join(f"({k}, {[n for n, _ in parts[k].operands].index(field)})" for k, field in q.extra["bindings"])
        o.append("    add([" + ", ".join("Op." + p.swift_name for p in parts) + f"], [{carried}], Op.{q.swift_name})")
    o.append("    return table")
    o.append("}()")
    o.append("")
    o.append("/// `x = x + step` fused into the compare-and-branch that follows it, by that branch op.")
    o.append("public let stepBranchLowering: [Op: Op] = [")
    for op in ops:
        if op.kind == "step":
            target = next(f for f in ops if f.name == op.extra["of"])
            o.append(f"    .{target.swift_name}: .{op.swift_name},")
    o.append("]")
    o.append("")
    o.append("public let numericLowering: [UInt16: NumericLowering] = [")
    for op in ops:
        if op.kind in ("binary", "unary", "compare", "testz"):
            bi = fused.get((op.name, False))
            bu = fused.get((op.name, True))
            im = immediates.get(op.name)
            ibi = fused.get((op.name + "_imm", False))
            ibu = fused.get((op.name + "_imm", True))
            ref = lambda x: ('.' + x.swift_name) if x else 'nil'
            o.append(f"    0x{op.wasm:X}: NumericLowering(op: .{op.swift_name}, parameters: [{', '.join(SWIFT_VT[p] for p in op.params)}], "
                     f"result: {SWIFT_VT[op.result]}, branchIf: {ref(bi)}, branchUnless: {ref(bu)}, "
                     f"immediate: {ref(im)}, immediateBranchIf: {ref(ibi)}, immediateBranchUnless: {ref(ibu)}),")
    o.append("]")
    o.append("")
    o.append("/// How a 0xFD (SIMD) instruction lowers: its register op and its typing (memory")
    o.append("/// instructions take their address first), and what its immediate must satisfy.")
    o.append("public struct SIMDLowering: Sendable {")
    o.append("    public let op: Op")
    o.append("    public let parameters: [ValueType]")
    o.append("    public let result: ValueType?")
    o.append("    /// Lane indices must be below this (lane immediates; 32 for i8x16.shuffle's indices).")
    o.append("    public let laneCount: Int")
    o.append("    /// Memory instructions: the access size in bytes, and the forms for memories other")
    o.append("    /// than 0 and for 64-bit memories (as for MemoryLowering).")
    o.append("    public let size: Int")
    o.append("    public let otherMemoryOp: Op?")
    o.append("    public let memory64Op: Op?")
    o.append("    /// The form whose right operand is a constant in the instruction (two v128 operands).")
    o.append("    public let immediate: Op?")
    o.append("}")
    o.append("")
    o.append("public let simdLowering: [UInt32: SIMDLowering] = [")
    for op in ops:
        if op.kind in ("simd", "simd_memory"):
            imm, align = op.extra["immediate"], op.extra["align"]
            lanes = {"lane": int(op.name.split(".")[0].split("x")[1]) if "x" in op.name.split(".")[0] else 0,
                     "memarg_lane": 16 >> (align or 0), "shuffle": 32}.get(imm, 0)
            size = (1 << align) if op.kind == "simd_memory" else 0
            other = next((x for x in ops if x.kind == "simd_memory_mem" and x.extra["of"] == op.name), None)
            wide = next((x for x in ops if x.kind == "simd_memory_64" and x.extra["of"] == op.name), None)
            imm = next((x for x in ops if x.kind == "simd_imm" and x.extra["of"] == op.name), None)
            ref = lambda x: ('.' + x.swift_name) if x else 'nil'
            result = SWIFT_VT.get(op.result, ".v128") if op.result else "nil"
            o.append(f"    0x{op.wasm:X}: SIMDLowering(op: .{esc(op.swift_name)}, parameters: [{', '.join(SWIFT_VT.get(p, '.v128') for p in op.params)}], "
                     f"result: {result}, laneCount: {lanes}, size: {size}, otherMemoryOp: {ref(other)}, memory64Op: {ref(wide)}, "
                     f"immediate: {ref(imm)}),")
    o.append("]")
    o.append("")
    for kind in ("load", "store"):
        o.append(f"public let {kind}Lowering: [UInt8: MemoryLowering] = [")
        for op in ops:
            if op.kind == kind:
                t = op.result if kind == "load" else op.params[1]
                other = next(x for x in ops if x.kind == kind + "_mem" and x.extra["of"] == op.name)
                wide = next(x for x in ops if x.kind == kind + "_64" and x.extra["of"] == op.name)
                o.append(f"    0x{op.wasm:X}: MemoryLowering(op: .{op.swift_name}, type: {SWIFT_VT[t]}, size: {op.extra['size']}, "
                         f"otherMemoryOp: .{other.swift_name}, memory64Op: .{wide.swift_name}),")
        o.append("]")
        o.append("")
    return "\n".join(o)


def swift_array(name, element, values):
    """One `static let` array of the Op extension, on one line."""
    text = ["true" if v is True else "false" if v is False else str(v) for v in values]
    return f"    static let {name}: [{element}] = [" + ", ".join(text) + "]"


SWIFT_KEYWORDS = {"return", "func", "init", "if", "else", "default", "in", "import", "var", "let", "case", "switch", "throw"}


def esc(name):
    return f"`{name}`" if name in SWIFT_KEYWORDS else name


def swift_param_type(kind):
    return {"r": "Reg", "u32": "UInt32", "i32": "Int32", "u64": "UInt64"}[kind]


def swift_word_expr(name, kind):
    return {"r": f"UInt64({name})", "u32": f"UInt64({name})", "i32": f"UInt64(UInt32(bitPattern: {name}))",
            "u64": name}[kind]


# ---- Tools/wasm-instructions.def: the Wasm instructions' binary and text facts ----------------

# Immediate kinds: the text encoder's Immediate (None: the encoder's structured forms handle
# it), and how the decoder reads it (a Swift expression; CASE is the Instruction case named
# after the mnemonic, OPCODE the opcode).
WASM_IMMEDIATES = {
    None: (".none", ".CASE"),
    "block_type": (None, ".CASE(try readBlockType())"),
    "try_table": (None, "try readTryTable()"),
    "label": (".label", ".CASE(try readU32())"),
    "label_table": (".labelTable", "try readBrTable()"),
    "function": (".function", ".CASE(try readU32())"),
    "call_indirect": (".callIndirect", ".CASE(typeIndex: try readU32(), table: try readU32())"),
    "type_index": (".typeIndex", ".CASE(try readU32())"),
    "local": (".local", ".CASE(try readU32())"),
    "global": (".global", ".CASE(try readU32())"),
    "tag": (".tag", ".CASE(try readU32())"),
    "elem": (".elem", ".CASE(try readU32())"),
    "data": (".data", "try readDataDrop(start: start, hasDataCount: hasDataCount)"),
    "table": (".table", ".CASE(try readU32())"),
    "table_copy": (".tableCopy", ".CASE(destination: try readU32(), source: try readU32())"),
    "table_init": (".tableInit", ".CASE(element: try readU32(), table: try readU32())"),
    "memory": (".memory", ".CASE(memory: try readU32())"),
    "memory_copy": (".memoryCopy", ".CASE(destination: try readU32(), source: try readU32())"),
    "memory_init": (".memoryInit", "try readMemoryInit(start: start, hasDataCount: hasDataCount)"),
    "select": (".select", ".select(types: nil)"),
    "select_types": (None, ".select(types: try readValueTypes())"),
    "heap_type": (".heapType", ".refNull(RefType(nullable: true, heap: try readHeapType()))"),
    "i32": (".i32", ".CASE(try readS32())"),
    "i64": (".i64", ".CASE(try readS64())"),
    "f32": (".f32", ".CASE(try readUInt32LE())"),
    "f64": (".f64", ".CASE(try readUInt64LE())"),
    "memarg": (".memarg(align: {a})", None),
    "memarg_lane": (".memargLane(align: {a})", None),
    "lane": (".lane", None),
    "shuffle": (".shuffle", None),
    "v128": (".v128", None),
    "struct_field": (".structField", ".CASE(type: try readU32(), field: try readU32())"),
    "array_fixed": (".arrayFixed", ".CASE(type: try readU32(), count: try readU32())"),
    "array_data": (".arrayData", ".CASE(type: try readU32(), data: try readDataIndex(start: start, hasDataCount: hasDataCount))"),
    "array_elem": (".arrayElem", ".CASE(type: try readU32(), element: try readU32())"),
    "array_copy": (".arrayCopy", ".CASE(destination: try readU32(), source: try readU32())"),
    "ref_cast": (".refCast", ".CASE(RefType(nullable: NULLABLE, heap: try readHeapType()))"),
    "cast_branch": (".castBranch", ".CASE(try readCastBranch())"),
}
# What follows a 0xFD subopcode, for the decoder's SIMD reader.
SIMD_DECODE_KIND = {None: "plain", "memarg": "memArg", "memarg_lane": "memArgLane", "lane": "lane",
                    "shuffle": "shuffle", "v128": "bytes16"}


class WasmInstruction:
    def __init__(self, prefix, opcode, name, immediate, align=None, text_only=False, decode=None):
        self.prefix, self.opcode, self.name = prefix, opcode, name
        self.immediate, self.align, self.text_only = immediate, align, text_only
        self.decode = decode  # the decoder's expression, when not derived from the immediate

    @property
    def encoding(self):
        """The opcode bytes: the prefix byte and the LEB of the subopcode, or the one byte."""
        if self.prefix == "-":
            return [self.opcode]
        out, n = [int(self.prefix, 16)], self.opcode
        while True:
            byte, n = n & 0x7F, n >> 7
            out.append(byte | (0x80 if n else 0))
            if not n:
                return out

    def decoder_expression(self):
        if self.decode:
            return self.decode
        return WASM_IMMEDIATES[self.immediate][1].replace("CASE", swift_case(self.name))


def swift_case(mnemonic):
    """`br_on_non_null` -> `brOnNonNull`, `i32.trunc_sat_f32_s` -> `i32TruncSatF32S`; the legacy
    `try` and `catch` are `legacyTry` and `legacyCatch` (Swift keywords, and try_table's
    clauses are `Catch`)."""
    if mnemonic in ("try", "catch", "catch_all"):
        mnemonic = "legacy_" + mnemonic
    words = re.split(r"[._]", mnemonic)
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])


def parse_wasm():
    """Every Wasm instruction: the lines of wasm-instructions.def, then the numeric, load and
    store instructions of instructions.def (their opcode and mnemonic live there)."""
    out, seen = [], set()
    for number, line in enumerate(open(WASM_TABLE), 1):
        line = line.split("#")[0].strip()
        if not line:
            continue
        words = line.split()
        text_only = words[-1] == "text-only"
        if text_only:
            words = words[:-1]
        if len(words) not in (3, 4) or words[0] not in ("-", "fb", "fc", "fd"):
            sys.exit(f"wasm-instructions.def:{number}: expected `PREFIX OPCODE MNEMONIC [IMMEDIATE] [text-only]`")
        kind, _, align = (words[3] if len(words) == 4 else "").partition(":")
        kind = kind or None
        if kind not in WASM_IMMEDIATES or (kind in ("memarg", "memarg_lane")) != bool(align):
            sys.exit(f"wasm-instructions.def:{number}: unknown immediate {words[3]!r}")
        opcode = int(words[1], 16)
        # `select` has two encodings, one mnemonic (the typed one is chosen by its text).
        keys = [(words[0], opcode)] + ([words[2]] if kind != "select_types" else [])
        for key in keys:
            if key in seen:
                sys.exit(f"wasm-instructions.def:{number}: {key} is listed twice")
            seen.add(key)
        out.append(WasmInstruction(words[0], opcode, words[2], kind, int(align) if align else None, text_only))
    return out


def numeric_wasm_instructions(ops):
    """The Wasm instructions of instructions.def's numeric, load and store lines."""
    out = []
    for op in ops:
        if op.kind in ("binary", "unary", "compare", "testz"):
            prefix, opcode = ("fc", op.wasm & 0xFF) if op.wasm >= 0xFC00 else ("-", op.wasm)
            out.append(WasmInstruction(prefix, opcode, op.name, None, decode=f".numeric(0x{op.wasm:X})"))
        elif op.kind in ("load", "store"):
            align = op.extra["size"].bit_length() - 1
            out.append(WasmInstruction("-", op.wasm, op.name, "memarg", align,
                                       decode=f".{op.kind}(opcode: 0x{op.wasm:X}, try readMemArg())"))
    return out


def gen_decode(instructions):
    o = ["// Generated by Tools/generate.py from Tools/wasm-instructions.def and Tools/instructions.def.",
         "// Do not edit.", "",
         "extension ByteCursor {",
         "    /// The instruction of a one-byte opcode (the prefixes read their subopcode first).",
         "    mutating func readInstruction(opcode: UInt8, start: Int, hasDataCount: Bool) throws(DecodingError) -> Instruction {",
         "        switch opcode {"]
    for w in sorted((w for w in instructions if w.prefix == "-" and not w.text_only), key=lambda w: w.opcode):
        o.append(f"        case 0x{w.opcode:02X}: return {w.decoder_expression()}  // {w.name}")
    o += ["        case 0xFB: return try readGCInstruction(start: start, hasDataCount: hasDataCount)",
          "        case 0xFC: return try readMiscInstruction(start: start, hasDataCount: hasDataCount)",
          "        case 0xFD: return try readSIMDInstruction(start: start)",
          "        default: throw error(\"illegal opcode \\(hexByte(opcode))\", at: start)",
          "        }", "    }", "",
          "    /// The 0xFC prefix: saturating truncations, bulk memory and table instructions.",
          "    mutating func readMiscInstruction(start: Int, hasDataCount: Bool) throws(DecodingError) -> Instruction {",
          "        let subopcode = try readU32()",
          "        switch subopcode {"]
    for w in sorted((w for w in instructions if w.prefix == "fc" and not w.text_only), key=lambda w: w.opcode):
        o.append(f"        case 0x{w.opcode:02X}: return {w.decoder_expression()}  // {w.name}")
    o += ["        default: throw error(\"illegal opcode fc \\(hexByte(subopcode))\", at: start)",
          "        }", "    }", "",
          "    /// The 0xFB prefix: garbage collection.",
          "    mutating func readGCInstruction(start: Int, hasDataCount: Bool) throws(DecodingError) -> Instruction {",
          "        let subopcode = try readU32()",
          "        switch subopcode {"]
    for w in sorted((w for w in instructions if w.prefix == "fb" and not w.text_only), key=lambda w: w.opcode):
        if w.immediate == "ref_cast":
            for delta, nullable in ((0, "false"), (1, "true")):
                o.append(f"        case 0x{w.opcode + delta:02X}: return {w.decoder_expression().replace('NULLABLE', nullable)}  // {w.name}")
        else:
            o.append(f"        case 0x{w.opcode:02X}: return {w.decoder_expression()}  // {w.name}")
    o += ["        default: throw error(\"illegal opcode fb \\(hexByte(subopcode))\", at: start)",
          "        }", "    }", "}", "",
          "/// The opcode of each numeric instruction (0xFC00 | n for the 0xFC prefix), for code",
          "/// that names one.",
          "public enum NumericOpcode {"]
    for w in instructions:
        if w.decode and w.decode.startswith(".numeric("):
            o.append(f"    public static let {swift_case(w.name)}: UInt16 = {w.decode[len('.numeric('):-1]}")
    o += ["}", "", "/// The subopcode of each 0xFD (SIMD) instruction, for code that names one.",
          "public enum SIMDOpcode {"]
    for w in instructions:
        if w.prefix == "fd":
            o.append(f"    public static let {swift_case(w.name)}: UInt32 = 0x{w.opcode:02X}")
    o += ["}", "",
          "/// What follows a 0xFD subopcode in the binary.",
          "enum SIMDImmediateKind {",
          "    case plain, memArg, memArgLane, lane, shuffle, bytes16",
          "}", "",
          "/// The immediate of each 0xFD subopcode that is an instruction; nil for the others.",
          "func simdImmediateKind(_ opcode: UInt32) -> SIMDImmediateKind? {",
          "    switch opcode {"]
    by_kind = {}
    for w in instructions:
        if w.prefix == "fd":
            by_kind.setdefault(SIMD_DECODE_KIND[w.immediate], []).append(w.opcode)
    for case, opcodes in by_kind.items():
        codes = [f"0x{c:02X}" for c in opcodes]
        lines = [", ".join(codes[i:i + 12]) for i in range(0, len(codes), 12)]
        o.append("    case " + (",\n         ".join(lines)) + f": return .{case}")
    o += ["    default: return nil", "    }", "}"]
    return "\n".join(o) + "\n"


def gen_text(instructions):
    o = ["// Generated by Tools/generate.py from Tools/wasm-instructions.def and Tools/instructions.def.",
         "// Do not edit.", "",
         "/// Every plain instruction: mnemonic, opcode bytes and immediate.",
         "let wasmInstructions: [(name: String, opcode: [UInt8], immediate: Immediate)] = ["]
    blocks, typed_select = [], None
    for w in instructions:
        text = WASM_IMMEDIATES[w.immediate][0]
        if w.immediate in ("block_type", "try_table"):
            blocks.append(w)
        elif w.immediate == "select_types":
            typed_select = w
        else:
            opcode = ", ".join(f"0x{b:02X}" for b in w.encoding)
            o.append(f"    (\"{w.name}\", [{opcode}], {text.format(a=w.align)}),")
    o += ["]", "",
          "/// The structured instructions (the encoder reads their block types and bodies).",
          "let blockOpcodes: [String: UInt8] = [" + ", ".join(f"\"{w.name}\": 0x{w.opcode:02X}" for w in blocks) + "]",
          "/// The opcodes the encoder writes itself.",
          "enum Opcode {"]
    for name in ("else", "end"):
        w = next(x for x in instructions if x.name == name)
        o.append(f"    static let `{name}`: UInt8 = 0x{w.opcode:02X}")
    for w in blocks:
        if w.name in ("block", "if", "try"):
            o.append(f"    static let `{w.name}`: UInt8 = 0x{w.opcode:02X}")
    # The legacy try's parts, which the encoder places itself (folded form, delegate's label).
    for name, case in (("catch", "legacyCatch"), ("catch_all", "legacyCatchAll"), ("delegate", "delegate")):
        w = next(x for x in instructions if x.name == name)
        o.append(f"    static let {case}: UInt8 = 0x{w.opcode:02X}")
    o.append(f"    /// `select` with its result types.")
    o.append(f"    static let selectTyped: UInt8 = 0x{typed_select.opcode:02X}")
    o += ["}"]
    return "\n".join(o) + "\n"


def main():
    ops = parse()
    wasm = parse_wasm() + numeric_wasm_instructions(ops)
    outputs = {C_OUT: gen_c(ops), SWIFT_OUT: gen_swift(ops), TEXT_OUT: gen_text(wasm), DECODE_OUT: gen_decode(wasm)}
    if "--check" in sys.argv:
        stale = [p for p, text in outputs.items() if not os.path.exists(p) or open(p).read() != text]
        for p in stale:
            print(f"stale generated file: {os.path.relpath(p, ROOT)} (run python3 Tools/generate.py)")
        sys.exit(1 if stale else 0)
    for path, text in outputs.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    print(f"generated {len(ops)} ops")


if __name__ == "__main__":
    main()

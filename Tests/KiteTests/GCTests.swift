import Kite
import KiteText
import Testing

/// Garbage collection (Wasm 3.0): structs, arrays and i31 through the embedding API, type
/// identity across modules, and a collector that reclaims garbage while keeping what is
/// reachable from globals and frames.
struct GCTests {
    /// A list kept in a global while a loop makes far more garbage than the collector's
    /// first threshold (8 MiB): the list survives every collection intact.
    static let churn = """
        (module
          (type $node (struct (field $value i32) (field $next (ref null $node))))
          (type $bytes (array (mut i8)))
          (global $list (mut (ref null $node)) (ref.null $node))
          (func (export "build") (param $n i32)
            (loop $l
              (global.set $list (struct.new $node (local.get $n) (global.get $list)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l (local.get $n))))
          ;; Garbage: arrays nothing keeps, while a local holds one node across the calls.
          (func (export "churn") (param $n i32) (result i32)
            (local $keep (ref null $node))
            (local.set $keep (struct.new $node (i32.const 1000) (ref.null $node)))
            (loop $l
              (drop (array.new_default $bytes (i32.const 1000)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l (local.get $n)))
            (struct.get $node $value (local.get $keep)))
          (func (export "sum") (result i32)
            (local $p (ref null $node)) (local $s i32)
            (local.set $p (global.get $list))
            (block $done
              (loop $l
                (br_if $done (ref.is_null (local.get $p)))
                (local.set $s (i32.add (local.get $s) (struct.get $node $value (local.get $p))))
                (local.set $p (struct.get $node $next (local.get $p)))
                (br $l)))
            (local.get $s)))
        """

    @Test func collectorKeepsReachableObjectsAndFreesGarbage() throws {
        let store = Store()
        let instance = try store.instantiate(try CompiledModule(bytes: try wat2wasm(Self.churn)))
        _ = try instance.exports[function: "build"]!([.i32(100)])
        let kept = try instance.exports[function: "churn"]!([.i32(100_000)])
        #expect(kept == [.i32(1000)])
        #expect(try instance.exports[function: "sum"]!([]) == [.i32(5050)])
        let statistics = store.collectorStatistics
        // About 100 MB were allocated; the collector ran and what is held stays small.
        #expect(statistics.collections >= 5)
        #expect(statistics.objectBytes < 20 << 20)
    }

    /// Two modules defining the same recursion group have the same types: a struct made by
    /// one casts to the other's type, and a function of one passes the other's call_indirect.
    @Test func equivalentTypesAcrossModules() throws {
        let store = Store()
        let maker = try store.instantiate(try CompiledModule(bytes: try wat2wasm("""
            (module
              (rec (type $pair (struct (field i32) (field (ref null $pair)))) (type $f (func (result i32))))
              (func $seven (export "seven") (type $f) (i32.const 7))
              (func (export "make") (result anyref) (struct.new $pair (i32.const 42) (ref.null $pair))))
            """)))
        var imports = Imports()
        imports.define(module: "maker", name: "seven", maker.exports[function: "seven"]!)
        let user = try store.instantiate(try CompiledModule(bytes: try wat2wasm("""
            (module
              (rec (type $pair (struct (field i32) (field (ref null $pair)))) (type $f (func (result i32))))
              (type $other (struct (field i32)))
              (import "maker" "seven" (func $seven (type $f)))
              (table funcref (elem $seven))
              (func (export "first") (param anyref) (result i32)
                (struct.get $pair 0 (ref.cast (ref $pair) (local.get 0))))
              (func (export "is_other") (param anyref) (result i32) (ref.test (ref $other) (local.get 0)))
              (func (export "call") (result i32) (call_indirect (type $f) (i32.const 0))))
            """)), imports: imports)
        let pair = try maker.exports[function: "make"]!([])
        #expect(try user.exports[function: "first"]!(pair) == [.i32(42)])
        #expect(try user.exports[function: "is_other"]!(pair) == [.i32(0)])
        #expect(try user.exports[function: "call"]!([]) == [.i32(7)])
    }

    /// i31 values and casts reach the host as `.ref(.any(...))`, classified by `belongs(to:)`;
    /// a failed cast is a trap with the spec's message.
    @Test func anyReferencesAtTheHost() throws {
        let store = Store()
        let instance = try store.instantiate(try CompiledModule(bytes: try wat2wasm("""
            (module
              (type $s (struct))
              (func (export "i31") (param i32) (result anyref) (ref.i31 (local.get 0)))
              (func (export "get") (param anyref) (result i32) (i31.get_s (ref.cast (ref i31) (local.get 0))))
              (func (export "struct") (result anyref) (struct.new $s)))
            """)))
        let small = try instance.exports[function: "i31"]!([.i32(UInt32(bitPattern: -5))])
        guard case .ref(let reference) = small[0] else { Issue.record("not a reference"); return }
        #expect(reference.belongs(to: "i31") && reference.belongs(to: "eq") && !reference.belongs(to: "struct"))
        #expect(try instance.exports[function: "get"]!(small) == [Value(signed: Int32(-5))])
        let object = try instance.exports[function: "struct"]!([])
        guard case .ref(let structure) = object[0] else { Issue.record("not a reference"); return }
        #expect(structure.belongs(to: "struct") && !structure.belongs(to: "array"))
        #expect(throws: Trap.self) { try instance.exports[function: "get"]!(object) }
        do {
            _ = try instance.exports[function: "get"]!(object)
        } catch let trap as Trap {
            #expect("\(trap)".contains("cast failure"))
        }
    }

    static let bytes = """
        (module
          (type $bytes (array (mut i8)))
          (import "host" "check" (func $check (param anyref) (result i32)))
          (func (export "make") (param i32) (result (ref $bytes)) (array.new_default $bytes (local.get 0)))
          (func (export "len") (param (ref $bytes)) (result i32) (array.len (local.get 0)))
          (func (export "garbage") (result i32) (array.len (array.new_default $bytes (i32.const 9000000))))
          ;; An object's address in an i64, references in a parameter, in an operand temporary
          ;; (under the call) and in the host function's argument.
          (func (export "hold") (param $address i64) (param $kept (ref $bytes)) (result i32 i32 i32)
            (local $checked i32)
            (array.new_default $bytes (i32.const 3000000))
            (local.set $checked (call $check (array.new_default $bytes (i32.const 1000))))
            (array.len)
            (array.len (local.get $kept))
            (local.get $checked)))
        """

    /// Frame slots are roots exactly where the stack maps say a reference lives: an object
    /// whose address only sits in an i64 parameter is freed, while the references in a
    /// parameter, an operand temporary and a host function's argument survive a collection in
    /// wasm code nested under the host call and one the host asks for there.
    @Test func stackRootsAreExact() throws {
        let store = Store()
        var exports: Exports?
        var seen: [Int] = []
        let check = Function(store: store, parameters: [.ref(RefType(nullable: true, heap: .any))],
                             results: [.i32]) { _, args in
            let before = store.collectorStatistics.collections
            _ = try exports![function: "garbage"]!([])        // collects inside the nested wasm code
            seen.append(store.collectorStatistics.collections - before)
            store.collectGarbage()
            #expect(try exports![function: "len"]!(args) == [.i32(1000)])
            return [.i32(UInt32(store.collectorStatistics.objectBytes))]
        }
        let instance = try store.instantiate(try CompiledModule(bytes: try wat2wasm(Self.bytes)),
                                             imports: ["host": ["check": check]])
        exports = instance.exports
        let make = instance.exports[function: "make"]!
        let unreferenced = try make([.i32(1_000_000)])
        let kept = try make([.i32(2_000_000)])
        guard case .ref(.any(let address?)) = unreferenced[0] else { Issue.record("not an object"); return }
        let results = try instance.exports[function: "hold"]!([.i64(UInt64(UInt(bitPattern: address))), kept[0]])
        // Held after the collections: the parameter's, the temporary's and the argument's
        // arrays (24-byte headers); not the one named only by the integer.
        #expect(results == [.i32(3_000_000), .i32(2_000_000), .i32(5_001_072)])
        #expect(seen == [1])
        #expect(store.collectorStatistics.unmappedFrames == 0)
    }

    /// Values the host holds are roots only while rooted: a rooted array survives a
    /// collection, an unrooted one is freed (the store then refuses it), and releasing the
    /// handle lets the collector free the rooted one too.
    @Test func hostRootsKeepObjectsAlive() throws {
        let store = Store()
        let check = Function(store: store, parameters: [.ref(RefType(nullable: true, heap: .any))],
                             results: [.i32]) { _, _ in [.i32(0)] }
        let instance = try store.instantiate(try CompiledModule(bytes: try wat2wasm(Self.bytes)),
                                             imports: ["host": ["check": check]])
        let make = instance.exports[function: "make"]!, len = instance.exports[function: "len"]!
        var rooted: RootedValue? = store.root(try make([.i32(100)])[0])
        let unrooted = try make([.i32(200)])
        store.collectGarbage()
        #expect(try len([rooted!.value]) == [.i32(100)])
        #expect(throws: Trap.self) { try len(unrooted) }
        #expect(store.collectorStatistics.objectBytes == 124)
        rooted = nil
        store.collectGarbage()
        #expect(store.collectorStatistics.objectBytes == 0)
    }

    /// `StoreLimits.maxGCHeapBytes` caps the objects held at once: a single larger array
    /// traps with "out of memory", while garbage far beyond the cap is collected in time.
    @Test func gcHeapLimit() throws {
        let store = Store(limits: StoreLimits(maxGCHeapBytes: 1 << 20))
        let instance = try store.instantiate(try CompiledModule(bytes: try wat2wasm(Self.churn)))
        #expect(try instance.exports[function: "churn"]!([.i32(20_000)]) == [.i32(1000)])
        #expect(store.collectorStatistics.collections >= 15)
        let big = try store.instantiate(try CompiledModule(bytes: try wat2wasm("""
            (module
              (type $bytes (array (mut i8)))
              (func (export "make") (param i32) (result i32) (array.len (array.new_default $bytes (local.get 0)))))
            """)))
        #expect(try big.exports[function: "make"]!([.i32(500_000)]) == [.i32(500_000)])
        do {
            _ = try big.exports[function: "make"]!([.i32(2_000_000)])
            Issue.record("a 2 MB array fit under a 1 MiB limit")
        } catch let trap as Trap {
            #expect("\(trap)".contains("out of memory"))
        }
    }

    /// Nulls of every bottom type initialize tables and globals (each hierarchy's null fits
    /// its nullable types), and references from the host are checked against the concrete
    /// type expected: a function of another signature or a struct of another type is a type
    /// mismatch, not something wasm code would misread.
    @Test func referenceTypesAtTheBoundary() throws {
        let store = Store()
        let instance = try store.instantiate(try CompiledModule(bytes: try wat2wasm("""
            (module
              (type $f (func (result i32)))
              (type $g (func (param i32) (result i32)))
              (type $a (struct (field i32)))
              (type $b (struct (field i64) (field i64)))
              (table 1 (ref null noextern))
              (table 1 (ref null nofunc))
              (table 1 (ref null none))
              (global (ref null noextern) (ref.null noextern))
              (global (ref null none) (ref.null none))
              (global (ref null $f) (ref.func $seven))
              (func $seven (export "seven") (type $f) (i32.const 7))
              (func (export "twice") (type $g) (i32.add (local.get 0) (local.get 0)))
              (func (export "call") (param (ref null $f)) (result i32) (call_ref $f (local.get 0)))
              (func (export "a") (result anyref) (struct.new $a (i32.const 1)))
              (func (export "second") (param (ref $b)) (result i64) (struct.get $b 1 (local.get 0))))
            """)))
        let exports = instance.exports
        let seven = Value.ref(.function(exports[function: "seven"]!.address))
        let twice = Value.ref(.function(exports[function: "twice"]!.address))
        #expect(try exports[function: "call"]!([seven]) == [.i32(7)])
        #expect(throws: Trap.self) { try exports[function: "call"]!([twice]) }
        let a = try exports[function: "a"]!([])
        #expect(throws: Trap.self) { try exports[function: "second"]!(a) }
    }
}


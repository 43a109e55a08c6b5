import CKiteDispatch
import KiteTranslator

// The collector's roots (Gc.c calls `markRoots` at the start of every collection): the slots
// of the wasm frames that hold references, found through the translator's stack maps, and
// everything else the store knows of: globals, tables, element segments, exceptions, the
// arguments of host functions running and the values the host rooted. Every value is checked
// against the heap's object bitmap in C, so function references and other non-objects among
// them are skipped.
extension Store {
    func markRoots() {
        markFrames()
        let context = self.context
        func mark(_ slots: UnsafePointer<KiteSlot>?, _ count: Int) {
            guard let slots else { return }
            for i in 0..<count { kite_gc_mark_value(context, slots[i].u64) }
        }
        for global in globals { mark(global.cell, global.type.valueType == .v128 ? 2 : 1) }
        for table in tables { mark(table.handle.pointee.elements, Int(table.handle.pointee.size)) }
        for instance in instances {
            for segment in instance.elements { mark(segment.items, Int(segment.count)) }
        }
        var e = context.pointee.exceptions
        while let exception = e {
            mark(kite_exception_values(exception), Int(exception.pointee.slotCount))
            e = exception.pointee.next
        }
        for bits in hostRoots.values { kite_gc_mark_value(context, bits) }
        for (slots, traced) in hostArguments {
            for i in traced { kite_gc_mark_value(context, slots[i].u64) }
        }
    }

    /// A suspended wasm frame: its function's code runs at `pc` (at an allocation, or just
    /// after a call: `returning`) with its slots at `sp`.
    private struct SuspendedFrame {
        let pc: UnsafePointer<UInt64>
        let sp: UnsafePointer<KiteSlot>
        let returning: Bool
    }

    /// Every wasm frame on the context, innermost first: where the collection started (the
    /// allocating instruction, or a host function the wasm code called), then one frame per
    /// frame record. A record whose return address is the exit sentinel was pushed by
    /// `kite_invoke`: it has no frame of its own, and if that invocation came from a host
    /// function called by wasm code, the calling frame is the one its `KiteInvocation` saved.
    private func suspendedFrames() -> [SuspendedFrame] {
        let c = context.pointee
        var frames: [SuspendedFrame] = []
        if let pc = c.gcPc, let sp = c.gcSp {
            frames.append(SuspendedFrame(pc: pc, sp: sp, returning: false))
        } else if c.inHost != 0, let pc = c.hostReturnPc, let sp = c.hostSp {
            frames.append(SuspendedFrame(pc: pc, sp: sp, returning: true))
        }
        let exit = kite_exit_pc()
        var invocation = c.invocation
        guard let base = c.frameBase, var record = c.frameTop else { return frames }
        while record > base {
            record -= 1
            let r = record.pointee
            if r.returnPc != exit {
                frames.append(SuspendedFrame(pc: r.returnPc, sp: r.callerSp, returning: true))
            } else if let outer = invocation, outer.pointee.entry == record {
                if let pc = outer.pointee.hostReturnPc, let sp = outer.pointee.hostSp {
                    frames.append(SuspendedFrame(pc: pc, sp: sp, returning: true))
                }
                invocation = outer.pointee.outer
            }
        }
        return frames
    }

    /// Marks, in each suspended frame, the slots its function's stack map names.
    private func markFrames() {
        let frames = suspendedFrames()
        guard !frames.isEmpty else { return }
        let codes = CodeIndex(instances.map(\.module))
        let context = self.context
        for frame in frames {
            guard let code = codes.code(containing: frame.pc) else {
                // Not code of this store's modules (cannot happen): scan what the frame may
                // reach, as the collector did before it had stack maps.
                unmappedFrames += 1
                let end = min(frame.sp + 65536, UnsafePointer(context.pointee.stackLimit))
                for slot in frame.sp..<end { kite_gc_mark_value(context, slot.pointee.u64) }
                continue
            }
            guard let map = code.function.stackMap else { continue }
            for slot in map.locals { kite_gc_mark_value(context, frame.sp[Int(slot)].u64) }
            let offset = UnsafePointer(code.body).distance(to: frame.pc)
            guard let site = map.site(offset: offset, returning: frame.returning) else { continue }
            for slot in site.slots { kite_gc_mark_value(context, frame.sp[Int(slot)].u64) }
        }
    }
}

/// The translated code of a set of modules by address, for the stack walk.
private struct CodeIndex {
    private var ranges: [(start: UInt, end: UInt, code: FunctionCode)] = []

    init(_ modules: [CompiledModule]) {
        var seen = Set<ObjectIdentifier>()
        for module in modules where seen.insert(ObjectIdentifier(module)).inserted {
            ranges += module.translatedCodeRanges()
        }
        ranges.sort { $0.start < $1.start }
    }

    /// The code holding `pc`, or ending at it (a return address after a function's last word).
    func code(containing pc: UnsafePointer<UInt64>) -> FunctionCode? {
        let address = UInt(bitPattern: pc)
        var low = 0, high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].start <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0, address <= ranges[low - 1].end else { return nil }
        return ranges[low - 1].code
    }
}

let kiteMarkRootsTrampoline: KiteMarkRootsCall = { context in
    guard let context, let ownerPointer = context.pointee.owner else { return }
    Unmanaged<Store>.fromOpaque(ownerPointer).takeUnretainedValue().markRoots()
}

/// What the collector has done on a store.
public struct CollectorStatistics: Sendable, Equatable {
    /// Collections run so far.
    public var collections: Int
    /// Bytes the live GC objects (structs and arrays, headers included) take now.
    public var objectBytes: Int
    /// Wasm frames a collection could not find the code of, and so scanned whole (always 0
    /// unless Kite has a bug; tests check it).
    public var unmappedFrames: Int
}

/// A GC value the host keeps alive: values the host holds in Swift are not roots (the
/// collector runs inside wasm code and cannot see them), so an object reachable only from the
/// host is freed at the next collection unless it is rooted. Unrooted when released.
public final class RootedValue {
    /// The value, valid in its store while this handle lives.
    public let value: Value
    private let store: Store
    private let id: Int

    fileprivate init(value: Value, store: Store, id: Int) {
        self.value = value
        self.store = store
        self.id = id
    }

    deinit { store.hostRoots[id] = nil }
}

extension Store {
    /// Keeps `value` (a GC reference: `.any`, or an `.extern` holding an internalized GC
    /// value; other values need no rooting but are accepted) alive until the handle goes.
    /// Values the host receives (results; a host function's arguments once it returns)
    /// should be rooted before wasm code runs again if the host keeps them.
    /// - Precondition: `value` belongs to this store.
    public func root(_ value: Value) -> RootedValue {
        precondition(admits(value), "the value does not belong to this store")
        nextRootID += 1
        if case .ref(let reference) = value {
            switch reference {
            case .any(let a?): hostRoots[nextRootID] = UInt64(UInt(bitPattern: a))
            case .extern(let e?): hostRoots[nextRootID] = Value.externBits(e)
            default: break
            }
        }
        return RootedValue(value: value, store: self, id: nextRootID)
    }

    /// Collects now (outside wasm code, or from a host function wasm code called).
    public func collectGarbage() {
        kite_gc_collect(context, KiteSite())
    }

    /// What the garbage collector has done on this store.
    public var collectorStatistics: CollectorStatistics {
        CollectorStatistics(collections: Int(context.pointee.collections), objectBytes: Int(context.pointee.objectBytes),
                            unmappedFrames: unmappedFrames)
    }
}

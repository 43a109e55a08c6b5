import KiteBinary

/// Which frame slots of a function hold GC references (the `any` and `extern` hierarchies)
/// wherever the collector can find the function suspended: what makes the collector's stack
/// roots exact. A collection starts only in an allocating instruction (`struct.new`,
/// `array.new*`), so a frame is seen either at one of those (the innermost frame) or inside
/// a call (every other frame: the return address names the call).
///
/// Parameters and declared locals of reference type are live for the whole function (those
/// the function might read before writing are zeroed on entry, and reference locals always
/// are, so they never hold a stale value); operand-stack temporaries are listed per site.
/// A stack value that still names its local or constant (not copied into its temporary)
/// is covered by that local, or is a null constant.
public struct StackMap: Sendable, Equatable {
    public struct Site: Sendable, Equatable {
        /// `offset << 1 | 1` for a call returning to word `offset`; `offset << 1` for an
        /// allocation starting at word `offset`.
        public var key: UInt32
        /// Temporaries that hold references while the instruction runs (an allocation's
        /// operands included: they are read after the collection).
        public var slots: [UInt16]
    }

    /// Parameter and local slots of reference type.
    public var locals: [UInt16]
    /// Sorted by key; sites whose temporaries hold no reference are left out.
    public var sites: [Site]

    public static func key(offset: Int, returning: Bool) -> UInt32 { UInt32(offset) << 1 | (returning ? 1 : 0) }

    /// The site of the call that returns to word `offset`, or of the allocation at word `offset`.
    public func site(offset: Int, returning: Bool) -> Site? {
        let key = Self.key(offset: offset, returning: returning)
        var low = 0, high = sites.count
        while low < high {
            let mid = (low + high) / 2
            if sites[mid].key < key { low = mid + 1 } else { high = mid }
        }
        return low < sites.count && sites[low].key == key ? sites[low] : nil
    }
}

extension FunctionTranslator {
    /// Whether a value of `type` may be a GC object: a reference of the `any` hierarchy, or
    /// an `externref` (which holds internalized GC values too).
    func isTraced(_ type: ValueType?) -> Bool {
        guard case .ref(let r)? = type else { return false }
        let top = context.top(r.heap)
        return top == .any || top == .extern
    }

    /// The temporaries of `entries` that hold traced references (still tagged).
    func tracedTemporaries(_ entries: ArraySlice<Entry>) -> [Reg] {
        entries.compactMap { $0.source == .temp && isTraced($0.type) ? $0.home : nil }
    }

    /// Records the slots live at a call (`returning`, keyed by the word after it: the
    /// arguments are the callee's) or an allocation (keyed by its first word) at word `offset`.
    mutating func recordSite(offset: Int, returning: Bool, live: [Reg]) {
        guard reachable, !live.isEmpty else { return }
        gcSites.append(StackMap.Site(key: StackMap.key(offset: offset, returning: returning), slots: live))
    }

    /// The function's map, temporaries rebased to `tempBase`; nil when no slot of any frame of
    /// it can hold a traced reference.
    func stackMap(tempBase: Int) -> StackMap? {
        let locals = self.locals.indices.compactMap { isTraced(self.locals[$0]) ? localSlot[$0] : nil }
        guard !locals.isEmpty || !gcSites.isEmpty else { return nil }
        func rebase(_ r: Reg) -> UInt16 { r & Self.tempTag != 0 ? UInt16(tempBase + Int(r & 0x7FFF)) : r }
        let sites = gcSites.map { StackMap.Site(key: $0.key, slots: $0.slots.map(rebase)) }
        return StackMap(locals: locals, sites: sites.sorted { $0.key < $1.key })
    }

    /// The declared locals of traced types, which are zeroed on entry whatever
    /// `localsToZero` says: the collector reads them at any call.
    func tracedLocalSlots() -> Range<Int>? {
        let slots = locals.indices.dropFirst(functionType.parameters.count)
            .compactMap { isTraced(locals[$0]) ? Int(localSlot[$0]) : nil }
        guard let first = slots.min(), let last = slots.max() else { return nil }
        return first..<(last + 1)
    }
}

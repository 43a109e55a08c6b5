import KiteBinary

// What validation asks of a SIMD instruction's immediate, for the validator and the
// translator alike (the typing is in `simdLowering`, generated from Tools/instructions.def).

extension SIMDImmediate {
    /// The memarg of a load or store.
    var memArg: MemArg? {
        switch self {
        case .memArg(let m), .memArgLane(let m, _): return m
        default: return nil
        }
    }

    /// The immediate's lane indices are within the instruction's lanes (none are, trivially).
    func lanesAreValid(below laneCount: Int) -> Bool {
        switch self {
        case .lane(let lane), .memArgLane(_, let lane): return Int(lane) < laneCount
        case .shuffle(let lanes): return lanes.allSatisfy { Int($0) < laneCount }
        default: return true
        }
    }

    /// The operand words the immediate adds after the registers (a memarg's are added by the
    /// caller, which picks the form for the memory).
    var operandWords: [UInt64] {
        switch self {
        case .lane(let lane), .memArgLane(_, let lane): return [UInt64(lane)]
        case .bytes16(let bytes), .shuffle(let bytes):
            let lo = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let hi = bytes[8..<16].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return [lo, hi]
        case .none, .memArg: return []
        }
    }
}

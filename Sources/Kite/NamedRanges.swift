/// Address ranges with names, looked up by address: the profiler's map from a pc to the wasm
/// function whose bytecode holds it, and from a native pc to the executable's function.
struct NamedRanges {
    private let ranges: [(start: UInt, end: UInt, name: String)]

    init(_ ranges: [(start: UInt, end: UInt, name: String)]) {
        self.ranges = ranges.sorted { $0.start < $1.start }
    }

    /// The name of the last range starting at or below `address`, if `address` is before its
    /// end (`endIncluded`: or at it, as a return pc just past a function's last word is).
    func name(containing address: UInt, endIncluded: Bool = false) -> String? {
        var low = 0, high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].start <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let range = ranges[low - 1]
        return address < range.end || (endIncluded && address == range.end) ? range.name : nil
    }
}

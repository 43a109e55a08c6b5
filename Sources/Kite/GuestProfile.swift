/// What a `GuestProfiler` sampled: how many samples saw each call stack.
public struct GuestProfile: Sendable {
    /// Nanoseconds between samples.
    public let intervalNanoseconds: UInt64
    /// Samples per distinct stack; a stack lists function names outermost first.
    public let stacks: [[String]: Int]
    /// Every distinct stack, in the order it was first sampled.
    public let distinctStacks: [[String]]
    /// The samples in the order they were taken, as indices into `distinctStacks`: sample k
    /// was taken about `k * intervalNanoseconds` after the profiler started.
    public let timeline: [Int32]
    /// Samples lost because the buffer was full.
    public let dropped: Int

    /// A profile of samples in the order they were taken.
    public init(intervalNanoseconds: UInt64, distinctStacks: [[String]], timeline: [Int32], dropped: Int) {
        self.intervalNanoseconds = intervalNanoseconds
        self.distinctStacks = distinctStacks
        self.timeline = timeline
        self.dropped = dropped
        var counts = [Int](repeating: 0, count: distinctStacks.count)
        for index in timeline { counts[Int(index)] += 1 }
        var stacks: [[String]: Int] = [:]
        for (stack, count) in zip(distinctStacks, counts) where count > 0 { stacks[stack, default: 0] += count }
        self.stacks = stacks
    }

    /// A profile from counts alone (its timeline takes the stacks in name order).
    public init(intervalNanoseconds: UInt64, stacks: [[String]: Int], dropped: Int) {
        let ordered = stacks.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var timeline: [Int32] = []
        for (index, entry) in ordered.enumerated() {
            timeline += repeatElement(Int32(index), count: entry.value)
        }
        self.init(intervalNanoseconds: intervalNanoseconds, distinctStacks: ordered.map(\.key), timeline: timeline, dropped: dropped)
    }

    /// All samples taken.
    public var sampleCount: Int { stacks.values.reduce(0, +) }

    /// One function's share of the samples.
    public struct FunctionShare: Sendable, Equatable {
        public let name: String
        /// Samples in which it was the innermost frame (running its own code).
        public let selfSamples: Int
        /// Samples in which it was anywhere on the stack (itself or what it called).
        public let totalSamples: Int
    }

    /// Every function seen, by self samples (then total samples, then name).
    public func functions() -> [FunctionShare] {
        var selfCounts: [String: Int] = [:], totalCounts: [String: Int] = [:]
        for (stack, count) in stacks {
            if let innermost = stack.last { selfCounts[innermost, default: 0] += count }
            // A recursive function counts once per sample in its total.
            for name in Set(stack) { totalCounts[name, default: 0] += count }
        }
        return totalCounts.map { FunctionShare(name: $0.key, selfSamples: selfCounts[$0.key] ?? 0, totalSamples: $0.value) }
            .sorted { ($0.selfSamples, $0.totalSamples, $1.name) > ($1.selfSamples, $1.totalSamples, $0.name) }
    }

    /// The hottest functions as a table: self and total share of the samples.
    public func report(top: Int = 20) -> String {
        let total = max(sampleCount, 1)
        let seconds = Double(sampleCount) * Double(intervalNanoseconds) / 1e9
        let duration = seconds < 10 ? "\(format1(seconds * 1000)) ms" : "\(format1(seconds)) s"
        var lines = ["\(sampleCount) samples every \(formatInterval()) (\(duration))"
                     + (dropped > 0 ? ", \(dropped) dropped" : "")]
        lines.append("  self%  total%  samples  function")
        for share in functions().prefix(top) {
            let selfShare = 100 * Double(share.selfSamples) / Double(total)
            let totalShare = 100 * Double(share.totalSamples) / Double(total)
            lines.append(pad(format1(selfShare), 7) + pad(format1(totalShare), 8) + pad(String(share.selfSamples), 9)
                         + "  " + share.name)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The stacks in the folded format flame-graph tools read: `outer;inner COUNT` per line.
    public func foldedStacks() -> String {
        stacks.map { ($0.key.joined(separator: ";"), $0.value) }
            .sorted { $0.0 < $1.0 }
            .map { "\($0.0) \($0.1)\n" }
            .joined()
    }

    private func formatInterval() -> String {
        intervalNanoseconds % 1_000_000 == 0 ? "\(intervalNanoseconds / 1_000_000) ms" : "\(intervalNanoseconds / 1000) µs"
    }
}

/// One decimal, without Foundation.
func format1(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
}

func pad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

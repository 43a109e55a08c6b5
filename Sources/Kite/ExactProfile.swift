import KiteTranslator

/// Exact counts from code translated with `EngineConfiguration(exactProfiling: true)`: how
/// often each function was called and each of its register instructions ran. The counts are
/// those of the code as it runs normally (same instructions, same superinstructions), and
/// the same on every run of the same program.
public struct ExactProfile: Sendable {
    /// One function's counts.
    public struct FunctionCounts: Sendable {
        /// Name-section name, else export name, else `func[N]`.
        public let name: String
        /// Times it was entered.
        public let calls: UInt64
        /// Register instructions it executed (its own, not its callees').
        public let instructions: UInt64
        /// Per instruction: word offset in its bytecode, and times it ran.
        public let instructionCounts: [(at: Int, count: UInt64)]
        /// Its bytecode listing, one line per instruction prefixed with that instruction's count
        /// and the module byte offset of the wasm instruction it came from.
        public let listing: String
    }

    /// Every counted function that ran, most instructions first.
    public let functions: [FunctionCounts]

    /// The counts so far of every counted module instantiated in `store` (modules shared by
    /// several instances count for all of them together).
    public init(store: Store) {
        var functions: [FunctionCounts] = []
        var seen = Set<ObjectIdentifier>()
        for instance in store.instances where instance.module.counted && seen.insert(ObjectIdentifier(instance.module)).inserted {
            let name = instance.module.module.displayNames()
            for (index, code) in instance.module.translatedCodes() {
                guard let counts = code.counts(), counts.calls > 0 || counts.instructions.contains(where: { $0.count > 0 }) else { continue }
                let byOffset = Dictionary(uniqueKeysWithValues: counts.instructions.map { ($0.at, $0.count) })
                let source = Dictionary(code.function.sourceOffsets.map { ($0.at, $0.offset) }) { first, _ in first }
                let listing = printBytecode(code.function, op: { FunctionCode.opsByHandler[$0] }) { at in
                    pad(String(byOffset[at] ?? 0), 12) + pad(source[at].map { "0x" + String($0, radix: 16) } ?? "", 9) + "  "
                }
                functions.append(FunctionCounts(name: name(index), calls: counts.calls,
                                                instructions: counts.instructions.reduce(0) { $0 + $1.count },
                                                instructionCounts: counts.instructions, listing: listing))
            }
        }
        self.functions = functions.sorted { ($0.instructions, $1.name) > ($1.instructions, $0.name) }
    }

    /// All register instructions executed.
    public var totalInstructions: UInt64 { functions.reduce(0) { $0 + $1.instructions } }

    /// The functions by instructions executed, with calls and, given the samples of the same
    /// run (`sampled`), their self and total share of the time; then the listings of the
    /// hottest `listings` functions, each instruction with its count.
    public func report(top: Int = 20, listings: Int = 3, sampled: GuestProfile? = nil) -> String {
        let total = max(totalInstructions, 1)
        var lines = ["\(totalInstructions) register instructions executed (exact counts)"]
        var shares: [String: GuestProfile.FunctionShare] = [:]
        var rows = functions.map { (name: $0.name, counts: Optional($0)) }
        if let sampled {
            lines[0] += "; time shares from \(sampled.sampleCount) samples of the same run"
            for share in sampled.functions() { shares[share.name] = share }
            // Host functions are not counted, only sampled.
            let counted = Set(functions.map(\.name))
            rows += shares.values.filter { !counted.contains($0.name) }
                .sorted { ($0.selfSamples, $1.name) > ($1.selfSamples, $0.name) }
                .map { ($0.name, nil) }
        }
        let samples = Double(max(sampled?.sampleCount ?? 0, 1))
        lines.append((sampled == nil ? "" : "  self%  total%") + "  share  instructions         calls  function")
        for row in rows.prefix(top) {
            var line = ""
            if sampled != nil {
                let share = shares[row.name]
                line += pad(format1(100 * Double(share?.selfSamples ?? 0) / samples), 7)
                    + pad(format1(100 * Double(share?.totalSamples ?? 0) / samples), 8)
            }
            if let f = row.counts {
                line += pad(format1(100 * Double(f.instructions) / Double(total)), 7) + pad(String(f.instructions), 14)
                    + pad(String(f.calls), 14)
            } else {
                line += pad("-", 7) + pad("-", 14) + pad("-", 14)
            }
            lines.append(line + "  " + row.name)
        }
        for f in functions.prefix(listings) {
            lines.append("")
            lines.append("\(f.name): \(f.calls) calls, \(f.instructions) instructions")
            lines.append("       count     wasm    word  instruction")
            lines.append(f.listing.split(separator: "\n").filter { !$0.hasPrefix(";") }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

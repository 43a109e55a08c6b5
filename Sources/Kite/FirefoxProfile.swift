// The Firefox Profiler's "processed profile format" (what profiler.firefox.com opens with
// File > Load, and what `wasmtime run --profile=guest` writes through the fxprof crate).
//
// We write preprocessedProfileVersion 66: the version the fxprof-processed-profile crate in
// mstange/samply writes, so real, loadable profiles of exactly this shape exist. The profiler
// refuses versions newer than its own and upgrades older ones step by step on load (see
// processed-profile-versioning.ts and docs-developer/CHANGELOG-formats.md in
// firefox-devtools/profiler; 67-69 change nothing we write, 70 moves resourceTable.lib to the
// frame table). The fields follow that version's types in src/types/profile.ts:
// - since v60 the stack, frame, func, resource and native-symbol tables and the string array
//   live once in `shared`, not per thread;
// - since v66 the stack table stores `prefixOffset` (child index minus parent index, 0 for a
//   root) instead of `prefix`, so parents must come before their children;
// - v64 added `originalLocation` to frames and funcs and `shared.sourceLocationTable`;
// - funcs name their file through `source` (an index into `shared.sources`), not `fileName`.
// Every table is columnar: one array per field, all `length` long.

extension GuestProfile {
    /// The profile as Firefox Profiler JSON: one thread, "kite guest", whose samples are the
    /// timeline (sample k at k × interval), with each distinct function name as one function.
    public func firefoxProfileJSON(product: String = "kite", startTimeMilliseconds: Double = 0) -> String {
        // One func (and one frame, whose index equals the func's and its name's string index)
        // per distinct name; one stack node per distinct (parent node, frame) pair.
        var names: [String] = [], funcIndex: [String: Int] = [:]
        var stackFrame: [Int] = [], stackParent: [Int?] = [], node: [NodeKey: Int] = [:]
        var leafOfStack: [Int?] = []
        for stack in distinctStacks {
            var parent: Int? = nil
            for name in stack {
                let function = funcIndex[name] ?? {
                    names.append(name)
                    funcIndex[name] = names.count - 1
                    return names.count - 1
                }()
                let key = NodeKey(parent: parent ?? -1, frame: function)
                parent = node[key] ?? {
                    stackFrame.append(function)
                    stackParent.append(parent)
                    node[key] = stackFrame.count - 1
                    return stackFrame.count - 1
                }()
            }
            leafOfStack.append(parent)  // nil for an empty stack: a sample with no stack
        }
        let milliseconds = Double(intervalNanoseconds) / 1e6
        let funcs = names.count, stacks = stackFrame.count, samples = timeline.count

        var json = JSONText()
        json.object {
            $0.field("meta") {
                $0.object {
                    $0.field("version", "24")  // Gecko format version: unused for processed profiles
                    $0.field("preprocessedProfileVersion", "66")
                    $0.field("interval", number(milliseconds))
                    $0.field("startTime", number(startTimeMilliseconds))  // ms since the Unix epoch
                    $0.field("processType", "0")
                    $0.field("product", quoted(product))
                    $0.field("stackwalk", "0")
                    $0.field("debug", "false")
                    $0.field("symbolicated", "true")  // names are final: don't try to symbolicate
                    $0.field("usesOnlyOneStackType", "true")  // no JS frames
                    $0.field("sourceCodeIsNotOnSearchfox", "true")
                    // The default category is the first grey one; subcategory 0 must be "Other".
                    $0.field("categories", "[" + FirefoxCategory.allCases.map {
                        "{\"name\":\(quoted($0.name)),\"color\":\"\($0.color)\",\"subcategories\":[\"Other\"]}"
                    }.joined(separator: ",") + "]")
                    $0.field("markerSchema", "[]")
                    $0.field("extensions", "{\"length\":0,\"baseURL\":[],\"id\":[],\"name\":[]}")
                }
            }
            $0.field("libs", "[]")
            $0.field("pages", "[]")
            $0.field("counters", "[]")
            $0.field("profilerOverhead", "[]")
            $0.field("shared") {
                $0.object {
                    $0.table("stackTable", length: stacks, [
                        ("frame", list(stackFrame)),
                        ("prefixOffset", list(stackParent.indices.map { index in
                            stackParent[index].map { index - $0 } ?? 0 })),
                    ])
                    $0.table("frameTable", length: funcs, [
                        ("func", list(Array(0..<funcs))),
                        ("category", list(names.map { FirefoxCategory(name: $0).rawValue })),
                        ("subcategory", repeated("0", funcs)),
                        ("address", repeated("-1", funcs)),  // -1: no native address
                        ("inlineDepth", repeated("0", funcs)),
                        ("nativeSymbol", repeated("null", funcs)),
                        ("innerWindowID", repeated("0", funcs)),  // 0: no web page
                        ("line", repeated("null", funcs)),
                        ("column", repeated("null", funcs)),
                        ("originalLocation", repeated("null", funcs)),
                    ])
                    $0.table("funcTable", length: funcs, [
                        ("name", list(Array(0..<funcs))),  // indices into stringArray
                        ("isJS", repeated("false", funcs)),
                        ("relevantForJS", repeated("false", funcs)),
                        ("resource", repeated("-1", funcs)),  // -1: from no library or URL
                        ("source", repeated("null", funcs)),
                        ("lineNumber", repeated("null", funcs)),
                        ("columnNumber", repeated("null", funcs)),
                        ("originalLocation", repeated("null", funcs)),
                    ])
                    $0.table("resourceTable", length: 0, ["lib", "name", "host", "type"].map { ($0, "[]") })
                    $0.table("nativeSymbols", length: 0, ["libIndex", "address", "name", "functionSize"].map { ($0, "[]") })
                    $0.table("sources", length: 0, ["id", "filename", "startLine", "startColumn", "sourceMapURL", "content"].map { ($0, "[]") })
                    $0.table("sourceLocationTable", length: 0, ["source", "line", "column"].map { ($0, "[]") })
                    $0.field("stringArray", "[" + names.map(quoted).joined(separator: ",") + "]")
                }
            }
            $0.field("threads") {
                $0.text += "["
                $0.object {
                    $0.field("name", quoted("kite guest"))
                    $0.field("isMainThread", "true")
                    $0.field("processType", quoted("default"))
                    $0.field("processName", quoted(product))
                    $0.field("pid", quoted("0"))  // pids are strings in this format
                    $0.field("tid", "0")
                    $0.field("processStartupTime", "0")  // times below are ms after meta.startTime
                    $0.field("processShutdownTime", number(Double(samples) * milliseconds))
                    $0.field("registerTime", "0")
                    $0.field("unregisterTime", "null")
                    $0.field("pausedRanges", "[]")
                    $0.table("samples", length: samples, [
                        ("stack", "[" + timeline.map { leafOfStack[Int($0)].map(String.init) ?? "null" }
                            .joined(separator: ",") + "]"),
                        ("time", "[" + (0..<samples).map { number(Double($0) * milliseconds) }
                            .joined(separator: ",") + "]"),
                    ], extra: [("weight", "null"), ("weightType", quoted("samples"))])  // null: each weighs 1
                    $0.table("markers", length: 0, ["data", "name", "startTime", "endTime", "phase", "category"].map { ($0, "[]") })
                }
                $0.text += "]"
            }
        }
        return json.text
    }
}

private struct NodeKey: Hashable { let parent: Int, frame: Int }

/// The categories we colour frames by; `rawValue` is the index into meta.categories.
private enum FirefoxCategory: Int, CaseIterable {
    case other, wasm, native

    init(name: String) {
        self = name.hasPrefix("[native] ") ? .native : name.hasPrefix("(") ? .other : .wasm
    }

    var name: String { ["Other", "Wasm", "Native"][rawValue] }
    var color: String { ["grey", "blue", "orange"][rawValue] }
}

/// Just enough of a JSON writer: objects written in order, values already JSON text.
private struct JSONText {
    var text = ""
    private var first = true

    mutating func object(_ body: (inout JSONText) -> Void) {
        text += "{"
        first = true
        body(&self)
        text += "}"
        first = false
    }

    mutating func field(_ name: String, _ body: (inout JSONText) -> Void) {
        text += (first ? "" : ",") + quoted(name) + ":"
        body(&self)
        first = false
    }

    mutating func field(_ name: String, _ value: String) {
        field(name) { $0.text += value }
    }

    /// A columnar table: `length` and one array per column.
    mutating func table(_ name: String, length: Int, _ columns: [(String, String)],
                        extra: [(String, String)] = []) {
        field(name) {
            $0.object {
                $0.field("length", String(length))
                for (column, values) in columns + extra { $0.field(column, values) }
            }
        }
    }
}

private func list(_ values: [Int]) -> String {
    "[" + values.map(String.init).joined(separator: ",") + "]"
}

private func repeated(_ value: String, _ count: Int) -> String {
    "[" + repeatElement(value, count: count).joined(separator: ",") + "]"
}

/// A finite Double as a JSON number (Swift's shortest round-trip form, which JSON accepts).
private func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
private func quoted(_ string: String) -> String {
    var out = "\""
    for scalar in string.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

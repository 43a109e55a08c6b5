import Foundation
@testable import Kite
import Testing

/// The Firefox Profiler export is JSON of processed-profile version 66 whose tables are
/// consistent and whose samples reproduce the timeline's stacks, in time order.
struct FirefoxProfileTests {
    typealias Object = [String: Any]

    static func parse(_ profile: GuestProfile) throws -> Object {
        let text = profile.firefoxProfileJSON(startTimeMilliseconds: 1000)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? Object)
    }

    /// Every column of a columnar table holds `length` values.
    static func checkLengths(_ table: Object, _ name: String) throws -> Int {
        let length = try #require(table["length"] as? Int, "\(name).length")
        for (column, values) in table where column != "length" {
            if let values = values as? [Any] { #expect(values.count == length, "\(name).\(column)") }
        }
        return length
    }

    @Test func samplesWalkBackToTheTimelinesStacks() throws {
        let stacks = [["main", "a \"q\"\\\n\u{1}"], ["main"], ["main", "c"]]
        let timeline: [Int32] = [0, 0, 2, 1, 2, 0]
        let json = try Self.parse(GuestProfile(intervalNanoseconds: 1_000_000, distinctStacks: stacks,
                                               timeline: timeline, dropped: 0))
        let meta = try #require(json["meta"] as? Object)
        #expect(meta["preprocessedProfileVersion"] as? Int == 66)
        #expect(meta["interval"] as? Double == 1)
        #expect(meta["startTime"] as? Double == 1000)
        #expect(meta["product"] as? String == "kite")
        let categories = try #require(meta["categories"] as? [Object])
        #expect(categories.first?["color"] as? String == "grey")  // the default category

        let shared = try #require(json["shared"] as? Object)
        var lengths: [String: Int] = [:]
        for name in ["stackTable", "frameTable", "funcTable", "resourceTable", "nativeSymbols", "sources",
                     "sourceLocationTable"] {
            lengths[name] = try Self.checkLengths(try #require(shared[name] as? Object, "\(name)"), name)
        }
        let strings = try #require(shared["stringArray"] as? [String])
        let stackTable = try #require(shared["stackTable"] as? Object)
        let frameTable = try #require(shared["frameTable"] as? Object)
        let funcTable = try #require(shared["funcTable"] as? Object)
        let stackFrame = try #require(stackTable["frame"] as? [Int])
        let prefixOffset = try #require(stackTable["prefixOffset"] as? [Int])
        let frameFunc = try #require(frameTable["func"] as? [Int])
        let funcName = try #require(funcTable["name"] as? [Int])
        #expect(lengths["funcTable"] == 3 && lengths["stackTable"] == 3)  // main, main>a, main>c

        let threads = try #require(json["threads"] as? [Object])
        #expect(threads.count == 1)
        let thread = try #require(threads.first)
        #expect(thread["pid"] is String)
        let samples = try #require(thread["samples"] as? Object)
        #expect(try Self.checkLengths(samples, "samples") == timeline.count)
        #expect(try Self.checkLengths(try #require(thread["markers"] as? Object), "markers") == 0)
        let times = try #require(samples["time"] as? [Double])
        #expect(times == [0, 1, 2, 3, 4, 5])

        // Walk each sample's stack up through its prefixes: innermost first, reversed.
        let sampleStacks = try #require(samples["stack"] as? [Int])
        let walked = sampleStacks.map { leaf -> [String] in
            var names: [String] = [], index = leaf
            while true {
                names.append(strings[funcName[frameFunc[stackFrame[index]]]])
                if prefixOffset[index] == 0 { break }
                #expect(prefixOffset[index] > 0)  // parents come first
                index -= prefixOffset[index]
            }
            return names.reversed()
        }
        #expect(walked == timeline.map { stacks[Int($0)] })
    }

    @Test func anEmptyProfileIsValidJSON() throws {
        let json = try Self.parse(GuestProfile(intervalNanoseconds: 250_000, distinctStacks: [], timeline: [],
                                               dropped: 0))
        #expect((json["meta"] as? Object)?["interval"] as? Double == 0.25)
        let samples = try #require((json["threads"] as? [Object])?.first?["samples"] as? Object)
        #expect(try Self.checkLengths(samples, "samples") == 0)
    }
}

/// A self-contained SVG flame graph of a profile: one box per function on each distinct call
/// path, as wide as its share of the samples, callers below callees; hovering a box shows
/// the function and its samples. No script, no external files.
extension GuestProfile {
    public func flameGraphSVG(title: String = "Kite guest profile") -> String {
        let root = FlameNode(name: "all")
        for (stack, count) in stacks { root.add(stack[...], count) }
        let width = 1200.0, rowHeight = 17.0, top = 36.0
        let depth = root.depth
        let height = top + Double(depth) * rowHeight + 10
        let total = Double(max(root.count, 1))
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Verdana, sans-serif" font-size="11">
            <rect x="0" y="0" width="100%" height="100%" fill="#f8f8f0"/>
            <text x="\(Int(width / 2))" y="22" text-anchor="middle" font-size="16">\(escape(title))</text>

            """
        func draw(_ node: FlameNode, x: Double, level: Int) {
            let w = (width - 20) * Double(node.count) / total
            guard w >= 0.5 else { return }
            let y = height - 10 - Double(level + 1) * rowHeight
            let share = 100 * Double(node.count) / total
            svg += "<g><title>\(escape(node.name)): \(node.count) samples (\(format1(share))%)</title>"
            svg += "<rect x=\"\(format1(x))\" y=\"\(format1(y))\" width=\"\(format1(max(w - 0.5, 0.5)))\" "
                + "height=\"\(format1(rowHeight - 1))\" rx=\"2\" fill=\"\(color(node.name))\"/>"
            let fits = Int((w - 6) / 7)
            if fits >= 3 {
                let label = node.name.count <= fits ? node.name : String(node.name.prefix(fits - 2)) + ".."
                svg += "<text x=\"\(format1(x + 3))\" y=\"\(format1(y + rowHeight - 5))\">\(escape(label))</text>"
            }
            svg += "</g>\n"
            var childX = x
            for child in node.children.values.sorted(by: { $0.name < $1.name }) {
                draw(child, x: childX, level: level + 1)
                childX += (width - 20) * Double(child.count) / total
            }
        }
        draw(root, x: 10, level: 0)
        return svg + "</svg>\n"
    }

    /// Warm colours, the same for a name in every graph.
    private func color(_ name: String) -> String {
        var hash: UInt32 = 2166136261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16777619 }
        let red = 205 + Int(hash % 50), green = 80 + Int(hash / 50 % 140), blue = Int(hash / 7000 % 55)
        return "rgb(\(red),\(green),\(blue))"
    }

    private func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// A call path in the flame graph: its samples and the paths one call deeper.
final class FlameNode {
    let name: String
    var count = 0
    var children: [String: FlameNode] = [:]

    init(name: String) { self.name = name }

    func add(_ stack: ArraySlice<String>, _ samples: Int) {
        count += samples
        guard let first = stack.first else { return }
        let child = children[first] ?? FlameNode(name: first)
        children[first] = child
        child.add(stack.dropFirst(), samples)
    }

    var depth: Int { 1 + (children.values.map(\.depth).max() ?? 0) }
}

import Foundation

extension FilterGrid {
    /// A self-contained SVG document of the grid under `title`: one square of grey pixels
    /// per filter, framed, eight to a row, separated by a twentieth of a filter's size (the
    /// book's `wspace=0.05`). Every filter is drawn at about 48 units whatever its kernel
    /// size, so a 3x3 and a 5x5 network give pictures of one scale.
    public func svg(title: String) -> String {
        let pixel = Double(max(1, 48 / max(height, width)))
        let (cellWidth, cellHeight) = (pixel * Double(width), pixel * Double(height))
        let gap = max(2, (max(cellWidth, cellHeight) * 0.05).rounded())
        let margin = 12.0, titleHeight = 28.0
        let columns = Double(min(filterCount, Self.columns))
        let gridWidth = columns * cellWidth + max(columns - 1, 0) * gap
        let gridHeight = Double(rowCount) * cellHeight + Double(max(rowCount - 1, 0)) * gap
        // Wide enough for the title at about 7.5 units per character of 13-unit sans-serif.
        let titleWidth = 7.5 * Double(title.count)
        var svg = SVGCanvas(width: max(gridWidth, titleWidth, 296) + 2 * margin, height: gridHeight + titleHeight + 2 * margin)
        svg.text(title, x: svg.width / 2, y: margin + 14, size: 13, anchor: "middle", weight: "bold", className: "title")
        // The grid centred under the title.
        let gridLeft = (svg.width - gridWidth) / 2
        for (index, filter) in levels.enumerated() {
            let left = gridLeft + Double(index % Self.columns) * (cellWidth + gap)
            let top = margin + titleHeight + Double(index / Self.columns) * (cellHeight + gap)
            svg.group("filter") { svg in
                for (offset, level) in filter.enumerated() {
                    svg.rect(x: left + Double(offset % width) * pixel, y: top + Double(offset / width) * pixel,
                             width: pixel, height: pixel, stroke: "none",
                             fill: String(format: "#%02x%02x%02x", level, level, level))
                }
                svg.rect(x: left, y: top, width: cellWidth, height: cellHeight, stroke: "#333")
            }
        }
        return svg.document()
    }
}

import Foundation

/// The book's `ch06/optimizer_compare_naive.py` (figure 6-8): the paths that SGD, Momentum,
/// AdaGrad and Adam take towards the minimum of f(x, y) = x²/20 + y², a bowl 20 times steeper
/// in y than in x, from (-7, 2). SGD zigzags across the steep direction, Momentum rolls like
/// a ball, AdaGrad's steps shrink where the gradient was large, Adam does both.
///
/// The steps are the library's own optimizer types (``SGD``, ``Momentum``, …) updating the
/// two parameters x and y as one-element tensors on ``ReferenceBackend`` in Double: the same
/// update code that trains networks, on a function whose path one can follow by hand.
public struct OptimizerPaths: Sendable, Equatable {
    /// A position (x, y).
    public struct Point: Sendable, Equatable, Codable {
        public var x: Double
        public var y: Double

        /// The position (x, y).
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// One optimizer's path.
    public struct Path: Sendable, Equatable, Codable {
        /// The optimizer's name in JSON lines (`sgd`).
        public var setting: String
        /// The optimizer as the book titles it (`SGD`).
        public var label: String
        /// The position before each update, the start first (the book's `x_history`, `y_history`).
        public var points: [Point]

        /// The summed length of the path's segments.
        public var length: Double {
            zip(points, points.dropFirst()).reduce(0) { sum, pair in
                sum + ((pair.1.x - pair.0.x) * (pair.1.x - pair.0.x) + (pair.1.y - pair.0.y) * (pair.1.y - pair.0.y)).squareRoot()
            }
        }
    }

    /// The optimizers, each with the book's step size for this function.
    public var optimizers: [OptimizerSetting]
    /// Where every path starts.
    public var start: Point
    /// The number of updates; each path has this many points (the position before each).
    public var steps: Int

    /// The book's settings unless told otherwise: SGD 0.95, Momentum 0.1, AdaGrad 1.5,
    /// Adam 0.3, from (-7, 2), 30 steps.
    public init(optimizers: [OptimizerSetting] = [.sgd(learningRate: 0.95), .momentum(learningRate: 0.1),
                                                  .adaGrad(learningRate: 1.5), .adam(learningRate: 0.3)],
                start: Point = Point(x: -7, y: 2), steps: Int = 30) {
        precondition(steps >= 0, "OptimizerPaths: negative step count \(steps)")
        self.optimizers = optimizers
        self.start = start
        self.steps = steps
    }

    /// f(x, y) = x²/20 + y².
    public static func f(_ point: Point) -> Double { point.x * point.x / 20 + point.y * point.y }

    /// ∇f = (x/10, 2y), the book's `df`.
    public static func gradient(at point: Point) -> Point { Point(x: point.x / 10, y: 2 * point.y) }

    /// Every optimizer's path.
    public func run() -> [Path] {
        optimizers.map { setting in
            Path(setting: setting.name, label: setting.description, points: path(of: setting.makeOptimizer(of: Double.self)))
        }
    }

    /// The positions before each of ``steps`` updates by `optimizer`, x in slot 0 and y in slot 1.
    private func path(of optimizer: some Optimizer<Double>) -> [Point] {
        var optimizer = optimizer
        let backend = ReferenceBackend<Double>()
        var x = Tensor<Double>(shape: [1], scalars: [start.x])
        var y = Tensor<Double>(shape: [1], scalars: [start.y])
        var points: [Point] = []
        for _ in 0..<steps {
            let position = Point(x: x[flat: 0], y: y[flat: 0])
            points.append(position)
            let gradient = Self.gradient(at: position)
            optimizer.beginStep()
            optimizer.update(&x, gradient: Tensor(shape: [1], scalars: [gradient.x]), slot: 0, backend: backend)
            optimizer.update(&y, gradient: Tensor(shape: [1], scalars: [gradient.y]), slot: 1, backend: backend)
        }
        return points
    }

    /// The contour levels the figure draws: f = 1, 2, …, 7 (the book masks f above 7).
    static let contourLevels = (1...7).map(Double.init)

    /// The book's figure: one panel per path (two per row) over the contour lines of f, the
    /// path drawn as red points joined by lines, the minimum marked with a +.
    public static func svg(of paths: [Path]) -> String {
        let ticks = AxisTicks(covering: -10...10, maximumCount: 5)
        var (svg, frames) = ExperimentFigure.grid(
            title: "optimizer-paths: f(x, y) = x²/20 + y² from (-7, 2)", panelCount: paths.count,
            columns: min(2, max(paths.count, 1)), panelSize: (300, 300), gap: (90, 70), xTicks: ticks, yTicks: ticks)
        for (path, frame) in zip(paths, frames) {
            ExperimentFigure.drawPanel(
                on: &svg, frame: frame, title: path.label, xLabel: "x", yLabel: "y",
                lines: [ExperimentFigure.Line(name: path.setting, label: path.label,
                                              points: path.points.map { ($0.x, $0.y) }, color: "red", markers: true)],
                legendCorner: nil
            ) { svg in
                svg.group("contours") { svg in
                    for level in contourLevels {
                        for segment in contour(level: level, within: 10) {
                            svg.polyline(segment.map { frame.point(($0.x, $0.y)) }, stroke: "#9ab", width: 0.8)
                        }
                    }
                }
                let origin = frame.point((0, 0))
                svg.line(from: (origin.x - 5, origin.y), to: (origin.x + 5, origin.y), stroke: "#2ca02c", width: 1.5)
                svg.line(from: (origin.x, origin.y - 5), to: (origin.x, origin.y + 5), stroke: "#2ca02c", width: 1.5)
            }
        }
        return svg.document()
    }

    /// The ellipse f = `level`, as runs of points with |x| ≤ `limit` (an ellipse wider than
    /// the axis is cut at its edges, as the book's grid of x in [-10, 10) cuts it).
    static func contour(level: Double, within limit: Double, pointCount: Int = 180) -> [[Point]] {
        let a = (20 * level).squareRoot(), b = level.squareRoot()
        var segments: [[Point]] = [[]]
        for index in 0...pointCount {
            let angle = 2 * Double.pi * Double(index) / Double(pointCount)
            let point = Point(x: a * cos(angle), y: b * sin(angle))
            if abs(point.x) <= limit {
                segments[segments.count - 1].append(point)
            } else if !segments[segments.count - 1].isEmpty {
                segments.append([])
            }
        }
        return segments.filter { $0.count > 1 }
    }
}

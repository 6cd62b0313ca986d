import Foundation

/// One item of a network's description: what kind of layer stands at a position, with the
/// settings that shape it, but without its numbers (weights, running statistics).
///
/// A list of specs is how the command line (`--layers affine:100,relu,affine:10`), model files
/// (their `layers` metadata entry) and ``MultiLayerNet/init(inputShape:layers:weightInitialization:biasInitialization:output:classTargets:backend:generator:)``
/// describe a network; every network reports its own list (``MultiLayerNet/spec``), so a file
/// rebuilt from the list has the same layers in the same order.
public enum LayerSpec: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A fully connected layer with `units` outputs (``Affine``); its input size is whatever
    /// the layer before it gives.
    case affine(units: Int)
    /// An elementwise activation (``Relu``, ``Sigmoid``, ``Tanh``).
    case activation(Activation)
    /// Batch normalization of each feature (``BatchNormalization``), with `epsilon` added to
    /// the variance (the book's 1e-6 unless a model says otherwise: PyTorch's is 1e-5).
    case batchNorm(epsilon: Double = LayerSpec.bookBatchNormEpsilon)
    /// Dropout of a fraction `ratio` of the units during training (``Dropout``), scaled the
    /// book's way or PyTorch's (`style`).
    case dropout(ratio: Double, style: DropoutStyle = .book)
    /// A convolution of `filters` square filters of side `kernel` (``Convolution``), moved by
    /// `stride` over the input padded with `pad` zeros; its channels are whatever the layer
    /// before it gives.
    case convolution(filters: Int, kernel: Int, stride: Int = 1, pad: Int = 0)
    /// Max pooling over square windows of side `size` moved by `stride` (``Pooling``).
    case maxPool(size: Int, stride: Int, pad: Int = 0)

    /// The book's batch normalization epsilon, `10e-7`.
    public static let bookBatchNormEpsilon = 1e-6

    /// Where dropout compensates for the units it drops.
    public enum DropoutStyle: String, Hashable, Sendable, Codable, CaseIterable {
        /// The book's: training passes keep `x * mask`, inference passes scale by `1 - ratio`.
        case book
        /// PyTorch's inverted dropout: training passes scale the kept units by
        /// `1 / (1 - ratio)`, inference passes leave the input as it is.
        case inverted
    }

    /// The item as the command line and model files spell it: `affine:100`, `relu`,
    /// `batchnorm`, `dropout:0.5`, `conv:30:5`, `conv:16:3:pad=1`, `pool:2`.
    public var description: String {
        switch self {
        case .affine(let units): return "affine:\(units)"
        case .activation(let activation): return activation.rawValue
        case .batchNorm(let epsilon):
            return epsilon == Self.bookBatchNormEpsilon ? "batchnorm" : "batchnorm:eps=\(epsilon)"
        case .dropout(let ratio, let style):
            return style == .book ? "dropout:\(ratio)" : "dropout:\(ratio):\(style.rawValue)"
        case .convolution(let filters, let kernel, let stride, let pad):
            return "conv:\(filters):\(kernel)" + (stride == 1 ? "" : ":stride=\(stride)") + (pad == 0 ? "" : ":pad=\(pad)")
        case .maxPool(let size, let stride, let pad):
            return "pool:\(size)" + (stride == size ? "" : ":stride=\(stride)") + (pad == 0 ? "" : ":pad=\(pad)")
        }
    }

    /// The `stride=S` and `pad=P` settings after an item's sizes, each at most once, or nil
    /// when one is malformed.
    private static func strideAndPad(_ settings: ArraySlice<String>) -> (stride: Int?, pad: Int?)? {
        var stride: Int?, pad: Int?
        for setting in settings {
            if setting.hasPrefix("stride="), stride == nil, let value = Int(setting.dropFirst(7)), value > 0 {
                stride = value
            } else if setting.hasPrefix("pad="), pad == nil, let value = Int(setting.dropFirst(4)), value >= 0 {
                pad = value
            } else {
                return nil
            }
        }
        return (stride, pad)
    }

    /// Parses one item (see ``description``); throws naming the item and what is wrong.
    public init(parsing text: Substring) throws(LayerSpecError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let kind = parts[0].lowercased()
        let arguments = parts.dropFirst()
        func noArguments(_ spec: LayerSpec) throws(LayerSpecError) -> LayerSpec {
            guard arguments.isEmpty else { throw .unexpectedArguments(item: String(text), kind: kind) }
            return spec
        }
        if let activation = Activation(rawValue: kind) {
            self = try noArguments(.activation(activation))
            return
        }
        switch kind {
        case "affine":
            guard arguments.count == 1, let units = Int(arguments[arguments.startIndex]), units > 0 else {
                throw .invalid(item: String(text), expected: "affine:UNITS with a positive whole number of units")
            }
            self = .affine(units: units)
        case "batchnorm":
            if arguments.isEmpty {
                self = .batchNorm()
                return
            }
            guard arguments.count == 1, arguments.first!.hasPrefix("eps="),
                  let epsilon = Double(arguments.first!.dropFirst(4)), epsilon > 0, epsilon.isFinite else {
                throw .invalid(item: String(text), expected: "batchnorm or batchnorm:eps=EPSILON with a positive epsilon")
            }
            self = .batchNorm(epsilon: epsilon)
        case "dropout":
            let expected = "dropout:RATIO with a ratio in [0, 1), optionally followed by :inverted"
            guard (1...2).contains(arguments.count), let ratio = Double(arguments.first!), ratio >= 0, ratio < 1 else {
                throw .invalid(item: String(text), expected: expected)
            }
            guard let style = arguments.count == 1 ? .book : DropoutStyle(rawValue: arguments.last!.lowercased()) else {
                throw .invalid(item: String(text), expected: expected)
            }
            self = .dropout(ratio: ratio, style: style)
        case "conv":
            let values = Array(arguments)
            guard values.count >= 2, let filters = Int(values[0]), filters > 0, let kernel = Int(values[1]), kernel > 0,
                  let (stride, pad) = Self.strideAndPad(values[2...]) else {
                throw .invalid(item: String(text),
                               expected: "conv:FILTERS:KERNEL[:stride=S][:pad=P] with positive FILTERS, KERNEL and S, and P >= 0")
            }
            self = .convolution(filters: filters, kernel: kernel, stride: stride ?? 1, pad: pad ?? 0)
        case "pool":
            let values = Array(arguments)
            guard values.count >= 1, let size = Int(values[0]), size > 0,
                  let (stride, pad) = Self.strideAndPad(values[1...]), (pad ?? 0) < size else {
                throw .invalid(item: String(text),
                               expected: "pool:SIZE[:stride=S][:pad=P] with positive SIZE and S, and 0 <= P < SIZE")
            }
            self = .maxPool(size: size, stride: stride ?? size, pad: pad ?? 0)
        default:
            throw .unknownKind(item: String(text))
        }
    }

    /// Parses a comma-separated list such as `affine:100,relu,affine:10`; throws for an empty
    /// list or the first item that does not parse.
    public static func list(parsing text: String) throws(LayerSpecError) -> [LayerSpec] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw .empty }
        var specs: [LayerSpec] = []
        for item in items {
            specs.append(try LayerSpec(parsing: item))
        }
        return specs
    }

    /// The list as one string, the inverse of ``list(parsing:)``.
    public static func description(of specs: [LayerSpec]) -> String {
        specs.map(\.description).joined(separator: ",")
    }

    /// The book's `MultiLayerNet` and `MultiLayerNetExtend` as a list: for each hidden size an
    /// affine layer, optionally batch normalization, the activation and optionally dropout;
    /// then the output affine layer (the book's extended net has no dropout after it).
    public static func fullyConnected(hiddenSizes: [Int], outputSize: Int, activation: Activation,
                                      batchNorm: Bool = false, dropoutRatio: Double? = nil) -> [LayerSpec] {
        var specs: [LayerSpec] = []
        for size in hiddenSizes {
            specs.append(.affine(units: size))
            if batchNorm { specs.append(.batchNorm()) }
            specs.append(.activation(activation))
            if let dropoutRatio { specs.append(.dropout(ratio: dropoutRatio)) }
        }
        specs.append(.affine(units: outputSize))
        return specs
    }
}

/// Why a layer list does not describe a network. Each message names the item.
public enum LayerSpecError: Error, Equatable, CustomStringConvertible {
    /// The list has no items.
    case empty
    /// An item names no known kind of layer.
    case unknownKind(item: String)
    /// An item's settings are missing or out of range.
    case invalid(item: String, expected: String)
    /// An item that takes no settings was given some.
    case unexpectedArguments(item: String, kind: String)
    /// The list has no affine layer, so nothing maps the inputs to outputs.
    case noAffineLayer

    public var description: String {
        let kinds = "affine:UNITS, " + Activation.allCases.map(\.rawValue).joined(separator: ", ")
            + ", batchnorm, dropout:RATIO, conv:FILTERS:KERNEL, pool:SIZE"
        switch self {
        case .empty: return "the layer list is empty; give comma-separated items such as affine:100,relu,affine:10"
        case .unknownKind(let item): return "'\(item)' is not a layer; the kinds are \(kinds)"
        case .invalid(let item, let expected): return "'\(item)': expected \(expected)"
        case .unexpectedArguments(let item, let kind): return "'\(item)': \(kind) takes no settings"
        case .noAffineLayer: return "the layer list has no affine layer to give the outputs"
        }
    }
}

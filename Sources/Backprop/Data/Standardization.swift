/// Per-feature standardization, `(x - mean) / standardDeviation`, fitted on a training set
/// and applied unchanged to every set the model sees later (test data, data to predict).
///
/// Tabular features often differ in scale by orders of magnitude (a price next to a ratio),
/// which makes one learning rate too large for some weights and too small for others. A
/// model trained on standardized data needs the same transform at prediction time, so
/// ``metadata`` stores it in the model file and ``init(metadata:featureCount:source:role:)`` reads it back.
public struct Standardization: Sendable, Equatable {
    /// The mean of each feature over the training set.
    public var mean: [Float]
    /// The standard deviation of each feature; 1 for a constant feature, which is then only centred.
    public var standardDeviation: [Float]

    /// The mean and (population) standard deviation of each column of `inputs`, computed in Double.
    public init(fitting inputs: Tensor<Float>) {
        let (rows, columns) = (inputs.rows, inputs.columns)
        var sums = [Double](repeating: 0, count: columns)
        var squares = [Double](repeating: 0, count: columns)
        inputs.withUnsafeBufferPointer { x in
            for row in 0..<rows {
                for column in 0..<columns { sums[column] += Double(x[row * columns + column]) }
            }
            for row in 0..<rows {
                for column in 0..<columns {
                    let deviation = Double(x[row * columns + column]) - sums[column] / Double(rows)
                    squares[column] += deviation * deviation
                }
            }
        }
        mean = sums.map { Float($0 / Double(max(rows, 1))) }
        standardDeviation = squares.map { square in
            let deviation = Float((square / Double(max(rows, 1))).squareRoot())
            return deviation > 0 ? deviation : 1
        }
    }

    /// The transform with the given mean and standard deviation of each feature, for a model
    /// trained elsewhere on standardized inputs (PyTorch's MNIST tutorial uses 0.1307 and
    /// 0.3081 for every pixel). The two lists must be equally long; every deviation positive.
    public init(mean: [Float], standardDeviation: [Float]) {
        precondition(mean.count == standardDeviation.count,
                     "Standardization: \(mean.count) means but \(standardDeviation.count) standard deviations")
        precondition(standardDeviation.allSatisfy { $0 > 0 && $0.isFinite }, "Standardization: deviations must be positive")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// `inputs` with each column standardized; it must have as many columns as were fitted.
    public func apply(to inputs: Tensor<Float>) -> Tensor<Float> {
        precondition(inputs.columns == mean.count,
                     "Standardization: inputs are \(inputs.shapeDescription) but \(mean.count) features were fitted")
        var result = inputs
        let columns = inputs.columns
        result.withUnsafeMutableBufferPointer { x in
            for index in x.indices {
                x[index] = (x[index] - mean[index % columns]) / standardDeviation[index % columns]
            }
        }
        return result
    }

    /// `standardized` mapped back to the original units, column by column:
    /// x · standardDeviation + mean, the inverse of ``apply(to:)`` (a regression's
    /// predictions of standardized targets become values in the targets' units).
    public func restore<Scalar: BinaryFloatingPoint>(_ standardized: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(standardized.columns == mean.count,
                     "Standardization: values are \(standardized.shapeDescription) but \(mean.count) columns were fitted")
        var result = standardized
        let columns = standardized.columns
        result.withUnsafeMutableBufferPointer { x in
            for index in x.indices {
                x[index] = x[index] * Scalar(standardDeviation[index % columns]) + Scalar(mean[index % columns])
            }
        }
        return result
    }

    /// What a stored transform applies to, which decides its metadata keys.
    public enum Role: Sendable {
        /// The features a model takes (`input_mean`, `input_std`).
        case inputs
        /// A regression's real-valued targets (`target_mean`, `target_std`).
        case targets

        var keys: (mean: String, standardDeviation: String) {
            switch self {
            case .inputs: return ("input_mean", "input_std")
            case .targets: return ("target_mean", "target_std")
            }
        }
    }

    /// The metadata keys a model file stores the input transform under.
    static let meanKey = Role.inputs.keys.mean, standardDeviationKey = Role.inputs.keys.standardDeviation

    /// The input transform as model-file metadata: comma-separated values that read back bit for bit.
    public var metadata: [String: String] { metadata(for: .inputs) }

    /// The transform as model-file metadata under the keys of `role`.
    public func metadata(for role: Role) -> [String: String] {
        [role.keys.mean: mean.map(\.description).joined(separator: ","),
         role.keys.standardDeviation: standardDeviation.map(\.description).joined(separator: ",")]
    }

    /// The transform stored under `role`'s keys in the metadata of the model file `source`, nil when it stores
    /// none. Throws ``ModelFileError/invalidMetadata(path:key:value:)`` when an entry is not
    /// `featureCount` finite numbers (positive ones for the standard deviations): a model
    /// must not silently see its inputs untransformed.
    public init?(metadata: [String: String], featureCount: Int, source: String, role: Role = .inputs) throws {
        let (meanKey, standardDeviationKey) = role.keys
        guard metadata[meanKey] != nil || metadata[standardDeviationKey] != nil else { return nil }
        func values(_ key: String) throws -> [Float] {
            let text = metadata[key] ?? ""
            let values = text.split(separator: ",", omittingEmptySubsequences: false).compactMap { Float($0) }
            guard values.count == featureCount, values.allSatisfy(\.isFinite),
                  key == meanKey || values.allSatisfy({ $0 > 0 }) else {
                throw ModelFileError.invalidMetadata(path: source, key: key, value: text)
            }
            return values
        }
        mean = try values(meanKey)
        standardDeviation = try values(standardDeviationKey)
    }
}

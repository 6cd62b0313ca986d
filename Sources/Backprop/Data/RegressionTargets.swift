import Foundation

/// What a regression model must remember of its targets to be used later: their names (the
/// CSV columns it predicts, which `predict` writes as its output columns) and, when they were
/// standardized for training, the mean and deviation that map its outputs back to the
/// targets' units. Stored in the model file's metadata (`target_columns`, `target_mean`,
/// `target_std`), beside the feature columns and the input standardization.
public struct RegressionTargets: Sendable, Equatable {
    /// The target columns' names, one per network output.
    public var names: [String]
    /// The standardization the targets were trained in, nil when they were used as given.
    public var scaling: Standardization?

    /// Targets called `names`, trained in `scaling`'s units (which must have one column per name).
    public init(names: [String], scaling: Standardization? = nil) {
        precondition(scaling.map { $0.mean.count == names.count } ?? true,
                     "RegressionTargets: \(names.count) names but \(scaling!.mean.count) standardized columns")
        self.names = names
        self.scaling = scaling
    }

    /// The network's `outputs` in the targets' units: restored from their standardization,
    /// or as they are.
    public func values<Scalar: BinaryFloatingPoint>(fromOutputs outputs: Tensor<Scalar>) -> Tensor<Scalar> {
        scaling.map { $0.restore(outputs) } ?? outputs
    }

    static let namesKey = "target_columns"

    /// The model-file metadata entries: the names as a JSON array (a name may hold a comma)
    /// and the scaling, if any.
    public var metadata: [String: String] {
        let data = (try? JSONSerialization.data(withJSONObject: names)) ?? Data("[]".utf8)
        return [Self.namesKey: String(decoding: data, as: UTF8.self)]
            .merging(scaling?.metadata(for: .targets) ?? [:]) { $1 }
    }

    /// The targets recorded in the metadata of the model file `source` for a network with
    /// `outputCount` outputs; nil when it records none (a classifier). Throws
    /// ``ModelFileError/invalidMetadata(path:key:value:)`` when an entry is malformed or does
    /// not have one value per output.
    public init?(metadata: [String: String], outputCount: Int, source: String) throws {
        guard let text = metadata[Self.namesKey] else { return nil }
        guard let names = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String],
              names.count == outputCount else {
            throw ModelFileError.invalidMetadata(path: source, key: Self.namesKey, value: text)
        }
        self.names = names
        self.scaling = try Standardization(metadata: metadata, featureCount: outputCount, source: source, role: .targets)
    }
}

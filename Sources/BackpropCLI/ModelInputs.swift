import ArgumentParser
import Backprop
import Foundation

/// How a model's inputs are made from the data it is given: the pixels (0...1) moved into the
/// range the model was trained on (`input_range`, written by `train --input-range`), then each
/// feature standardized (`input_mean` and `input_std`, written by `train --standardize` or
/// stated with `--input-mean`/`--input-std`). Stored in the model file, so a model evaluates
/// as it was trained without the user having to remember how.
struct ModelInputs {
    /// The range the pixels are moved into, if not 0...1.
    var range: InputRange?
    /// The per-feature standardization, if any.
    var standardization: Standardization?

    /// The metadata key of ``range``, as `LOW:HIGH`.
    static let rangeKey = "input_range"

    /// The transform the metadata of the model file `source` (taking `featureCount` inputs)
    /// stores. Throws one line naming the file when an entry is malformed.
    init(metadata: [String: String], featureCount: Int, source: String) throws {
        if let text = metadata[Self.rangeKey] {
            guard let range = InputRange(argument: text) else {
                throw ModelFileError.invalidMetadata(path: source, key: Self.rangeKey, value: text)
            }
            self.range = range
        }
        standardization = try Standardization(metadata: metadata, featureCount: featureCount, source: source)
    }

    /// The range as metadata, for `train --save`.
    static func metadata(range: InputRange?) -> [String: String] {
        range.map { [rangeKey: "\($0.low):\($0.high)"] } ?? [:]
    }

    /// The whole transform as model-file metadata.
    var metadata: [String: String] {
        Self.metadata(range: range).merging(standardization?.metadata ?? [:]) { $1 }
    }

    /// `inputs` as the model takes them.
    func apply(to inputs: Tensor<Float>) -> Tensor<Float> {
        var result = inputs
        if let range { result = result.rescaled(to: range.low...range.high) }
        if let standardization { result = standardization.apply(to: result) }
        return result
    }

    /// The summary for a run's description, empty when the inputs are taken as they are.
    var summary: String {
        var parts: [String] = []
        if let range { parts.append("inputs scaled to \(range.low):\(range.high)") }
        if standardization != nil { parts.append("inputs standardized") }
        return parts.joined(separator: ", ")
    }
}

/// `--input-mean`/`--input-std`: one finite number for every feature, or a comma-separated
/// list with one per feature.
struct FeatureValues: ExpressibleByArgument {
    var values: [Float]

    init?(argument: String) {
        let values = argument.split(separator: ",", omittingEmptySubsequences: false).map { Float($0) }
        guard !values.isEmpty, values.allSatisfy({ $0?.isFinite == true }) else { return nil }
        self.values = values.map { $0! }
    }

    /// The values for `count` features, or nil when there are neither one nor `count` of them.
    func expanded(to count: Int) -> [Float]? {
        if values.count == 1 { return Array(repeating: values[0], count: count) }
        return values.count == count ? values : nil
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

import Foundation
import Testing
import TestSupport

/// `train` with convolutional layers: a CSV of 4x4 grey-scale images read as [1, 4, 4], the
/// saved model predicting with the same accuracy, and the option conflicts refused in one line.
@Suite("backprop train with convolutional layers")
struct ConvolutionCommandTests {
    let scratch: TemporaryDirectory

    init() throws {
        scratch = try TemporaryDirectory()
    }

    /// Three classes of 4x4 images: a bright top row, a bright left column, or a bright centre,
    /// over faint noise from a fixed sequence.
    static func csv(rows: Int) -> String {
        var text = (0..<16).map { "p\($0)" }.joined(separator: ",") + ",label\n"
        for row in 0..<rows {
            let label = row % 3
            let pixels = (0..<16).map { index -> Double in
                let (r, c) = (index / 4, index % 4)
                let bright = label == 0 ? r == 0 : label == 1 ? c == 0 : (1...2).contains(r) && (1...2).contains(c)
                return (bright ? 0.8 : 0.0) + Double((row * 7 + index * 13) % 10) / 50
            }
            text += pixels.map { String($0) }.joined(separator: ",") + ",\(label)\n"
        }
        return text
    }

    func run(_ arguments: [String]) throws -> BackpropExecutable.Run {
        try BackpropExecutable.run(arguments, in: scratch.url)
    }

    @Test("--layers with conv and pool trains on square images, saves the spec, and predicts the same accuracy")
    func trainAndPredict() throws {
        let data = try scratch.writeFile(Array(Self.csv(rows: 90).utf8), to: "images.csv")
        let model = scratch.filePath("conv.safetensors")
        let training = try run(["train", "--csv", data, "--label-column", "label", "--test-csv", data,
                                "--layers", "conv:4:3:pad=1,relu,pool:2,affine:3", "--optimizer", "adam",
                                "--learning-rate", "0.01", "--iterations", "60", "--batch-size", "15",
                                "--save", model, "--json"])
        #expect(training.exited && training.status == 0, "\(training)")
        #expect(training.standardError.contains("1x4x4 -> conv:4:3:pad=1,relu,pool:2,affine:3"), "\(training)")
        let line = try #require(training.outputLines.last, "\(training)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let accuracy = try #require(summary["test_accuracy"] as? Double, "\(summary)")
        #expect(accuracy > 0.9, "a conv net separates rows, columns and centres: \(accuracy)")
        let prediction = try run(["predict", "--model", model, "--csv", data, "--label-column", "label"])
        #expect(prediction.status == 0 && prediction.outputLines.count == 91, "\(prediction)")
        #expect(prediction.errorLines == [Substring(String(format: "accuracy %.4f (%d of 90 samples of %@)", accuracy,
                                                           Int((accuracy * 90).rounded()), data))])
    }

    @Test("--network with --layers, and a convolution on data that is not square images, are refused in one line")
    func refused() throws {
        let both = try run(["train", "--network", "simple-convnet", "--layers", "affine:10", "--iterations", "1"])
        expectOneLineError(both, mentioning: ["--network simple-convnet", "--layers"])
        let rows = (0..<9).map { "\($0 % 3),0.5,0.1,0.2,0.3,0.4" }.joined(separator: "\n")
        let data = try scratch.writeFile(Array(("label,a,b,c,d,e\n" + rows + "\n").utf8), to: "flat.csv")
        let flat = try run(["train", "--csv", data, "--label-column", "label", "--layers", "conv:2:2,affine:3", "--batch-size", "3",
                            "--iterations", "1"])
        expectOneLineError(flat, mentioning: ["--layers", "conv:2:2", "square"])
    }
}

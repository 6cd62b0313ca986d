@testable import Backprop
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite("Learning curves: CSV and SVG")
struct LearningCurvesTests {
    /// 50 iterations with 3 evaluations (epochs 0, 1, 2).
    static let history: TrainingHistory = {
        var history = TrainingHistory()
        history.losses = (0..<50).map { (index: Int) -> Double in
            let decay: Double = 2.3 * exp(-Double(index) / 15)
            return decay + 0.1 * Double(index % 3)
        }
        history.epochs = [
            .init(epoch: 0, iteration: 1, trainAccuracy: 0.11, testAccuracy: 0.1, loss: 2.3, elapsedSeconds: 0.1),
            .init(epoch: 1, iteration: 21, trainAccuracy: 0.8, testAccuracy: 0.78, loss: 0.5, elapsedSeconds: 0.2),
            .init(epoch: 2, iteration: 41, trainAccuracy: 0.9, testAccuracy: nil, loss: 0.2, elapsedSeconds: 0.3),
        ]
        return history
    }()

    /// The texts of the elements with `className`, in document order.
    final class Texts: NSObject, XMLParserDelegate {
        let className: String
        var found: [String] = []
        private var inside = false
        init(_ svg: String, className: String) {
            self.className = className
            super.init()
            let parser = XMLParser(data: Data(svg.utf8))
            parser.delegate = self
            #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        }
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            inside = attributes["class"] == className
            if inside { found.append("") }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inside { found[found.count - 1] += string }
        }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?) {
            inside = false
        }
    }

    @Test("The SVG's tick labels: iterations 0-50 by 10, loss 0.0-2.5 by 0.5, epochs 0-2, accuracy 0.0-1.0 by 0.2")
    func ticks() {
        let svg = LearningCurves(history: Self.history).svg()
        #expect(Texts(svg, className: "x-tick").found == ["0", "10", "20", "30", "40", "50"] + ["0", "1", "2"])
        #expect(Texts(svg, className: "y-tick").found == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"]
                + ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test("A smoothed loss line only when asked for, with its β in the legend")
    func smoothing() {
        let plain = LearningCurves(history: Self.history).svg()
        let smoothed = LearningCurves(history: Self.history, lossSmoothing: 0.9).svg()
        let polylines = { (svg: String) in svg.components(separatedBy: "<polyline").count - 1 }
        // Plain: loss, train, test and the accuracy legend's two swatches; smoothed adds the
        // smoothed line and the loss legend's two swatches.
        #expect(polylines(plain) == 5)
        #expect(polylines(smoothed) == 8)
        #expect(smoothed.contains("smoothed (β = 0.9)"))
        #expect(!plain.contains("smoothed"))
    }

    @Test("CSV: one row per iteration, the epoch columns filled where an epoch ended")
    func csv() {
        let rows = LearningCurves(history: Self.history).csv().split(separator: "\n")
        #expect(rows.count == 51)
        #expect(rows[0] == "iteration,loss,epoch,train_accuracy,test_accuracy")
        #expect(rows[21] == "21,\(Self.history.losses[20]),1,0.8,0.78")
        #expect(rows[41] == "41,\(Self.history.losses[40]),2,0.9,")
        #expect(rows[2] == "2,\(Self.history.losses[1]),,,")
    }

    /// ``history`` with a validation loss and accuracy at each evaluation.
    static let validatedHistory: TrainingHistory = {
        var history = Self.history
        for (index, loss) in [2.7, 0.6, 0.7].enumerated() {
            history.epochs[index].validationLoss = loss
            history.epochs[index].validationAccuracy = [0.09, 0.75, 0.85][index]
        }
        return history
    }()

    @Test("A validation set adds two CSV columns and green validation lines to both charts")
    func validation() {
        let rows = LearningCurves(history: Self.validatedHistory).csv().split(separator: "\n")
        #expect(rows[0] == "iteration,loss,epoch,train_accuracy,test_accuracy,validation_loss,validation_accuracy")
        #expect(rows[21] == "21,\(Self.history.losses[20]),1,0.8,0.78,0.6,0.75")
        #expect(rows[2] == "2,\(Self.history.losses[1]),,,,,")
        let svg = LearningCurves(history: Self.validatedHistory).svg()
        // The first validation loss (2.7) lifts the loss axis past the training losses' 2.5 to 3.0.
        #expect(Texts(svg, className: "y-tick").found.prefix(7) == ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"])
        let greenLines = svg.components(separatedBy: "<polyline").dropFirst().filter { $0.contains("#2ca02c") }
        // A line and a legend swatch in each chart.
        #expect(greenLines.count == 4)
        #expect(svg.components(separatedBy: ">validation<").count - 1 == 2)
        // Without a validation set neither chart has a green line nor a validation entry.
        #expect(!LearningCurves(history: Self.history).svg().contains("#2ca02c"))
    }

    @Test("Long runs are thinned to at most 2000 points per line, keeping the last")
    func downsampling() {
        let points = (1...10_001).map { (Double($0), Double($0)) }
        let kept = LearningCurves.downsampled(points, maximumCount: 2000)
        #expect(kept.count <= 2001)
        #expect(kept.first! == (1, 1) && kept.last! == (10_001, 10_001))
    }
}

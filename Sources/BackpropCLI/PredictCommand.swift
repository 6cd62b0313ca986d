import ArgumentParser
import Backprop
import Foundation

/// `backprop predict`: the class and the probability of every class for each sample of an
/// IDX images file or a CSV file, as CSV or JSON lines on stdout; with labels, the accuracy
/// on stderr (so stdout stays one record per sample). A regression model (one trained with
/// `--target-column`) writes its predicted values, named after its targets, instead.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Print each sample's predicted class and class probabilities (CSV, or JSON lines with --json).",
        discussion: """
            CSV columns: index,class,p0,p1,... (one row per sample, after a header row); a model trained on \
            class names prints the name in class and names the columns after the classes: \
            index,class,p_setosa,p_versicolor,... JSON lines: {"index":0,"class":7,"probabilities":[...]} \
            ("class":"setosa" with names). With --labels (IDX) or --label-column (CSV) the accuracy is printed \
            on stderr; CSV labels are compared by name. \
            A regression model writes index,NAME,... with the predicted values in the targets' units \
            (JSON lines: {"index":0,"NAME":12.5}); with --target-column the file's values give RMSE, MAE and R² on stderr.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var kernels: KernelOptions

    @Option(help: ArgumentHelp("An IDX images file (.gz or plain), scaled to 0...1 like MNIST.", valueName: "file"))
    var images: String?

    @Option(help: ArgumentHelp("An IDX labels file for --images, to print the accuracy.", valueName: "file"))
    var labels: String?

    @OptionGroup var csvFile: CSVFileOptions
    private var csv: String? { csvFile.csv }
    private var labelColumn: String? { csvFile.labelColumn }

    @Flag(help: "Print JSON lines instead of CSV.")
    var json = false

    func validate() throws {
        guard (images == nil) != (csv == nil) else {
            throw ValidationError("give either --images or --csv")
        }
        if labels != nil && images == nil { throw ValidationError("--labels goes with --images") }
        if labelColumn != nil && csv == nil { throw ValidationError("--label-column goes with --csv") }
        if !csvFile.targetColumns.isEmpty && csv == nil { throw ValidationError("--target-column goes with --csv") }
    }

    func run() throws {
        kernels.apply()
        switch kernels.backend {
        case .fast: try predict(with: try modelOptions.load(on: FastBackend()))
        case .reference: try predict(with: try modelOptions.load(on: ReferenceBackend<Float>()))
        }
    }

    /// The samples as the model's inputs, their labels if given, and the file they came from.
    private func samples(for model: ImportedModel<some KernelBackend>) throws -> (Tensor<Float>, [Int32]?, String) {
        let network = model.network
        if let images {
            let array = try IDXReader.read(URL(fileURLWithPath: images), dimensionCount: 3)
            var inputs = array.images()
            guard inputs.columns == network.inputSize else {
                throw CommandError("\(images): images of \(array.shape.dropFirst().map(String.init).joined(separator: " x ")) "
                                   + "= \(inputs.columns) pixels, but \(modelOptions.model) takes \(network.inputSize) inputs")
            }
            inputs = try modelOptions.inputs(of: model).apply(to: inputs)
            guard let labels else { return (inputs, nil, images) }
            let labelArray = try IDXReader.read(URL(fileURLWithPath: labels), dimensionCount: 1)
            guard labelArray.count == inputs.rows else {
                throw CommandError("\(images) holds \(inputs.rows) images but \(labels) holds \(labelArray.count) labels")
            }
            return (inputs, labelArray.elements.map(Int32.init), images)
        }
        let path = csv!
        let (features, labels) = try csvFile.samples(at: path, for: model, from: modelOptions.model)
        return (try modelOptions.inputs(of: model).apply(to: features), labels, path)
    }

    private func predict<Backend: KernelBackend>(with model: ImportedModel<Backend>) throws where Backend.Scalar == Float {
        let network = model.network
        if let targets = try RegressionTargets(metadata: model.metadata, outputCount: network.outputSize,
                                               source: modelOptions.model) {
            return try predictValues(with: model, targets: targets)
        }
        if !csvFile.targetColumns.isEmpty {
            throw CommandError("--target-column: \(modelOptions.model) is a classifier, not a regression model (use --label-column)")
        }
        let (inputs, labels, source) = try samples(for: model)
        if let labels, let index = labels.firstIndex(where: { Int($0) >= network.outputSize }) {
            throw CommandError("\(self.labels ?? source): label \(labels[index]) of sample "
                               + "\(index) is not a class of the model (0...\(network.outputSize - 1))")
        }
        let probabilities = network.probabilities(inputs)
        let classes = network.classify(inputs)
        let columns = network.outputSize
        let names = try CSVFileOptions.classNames(of: model, from: modelOptions.model)
        // A class as printed: its name (quoted as CSV or JSON needs) or its index.
        let classText = names.map { names in
            names.map { json ? jsonString($0) : csvField($0) }
        }
        var output = ""
        if !json {
            let header = names.map { $0.map { csvField("p_" + $0) } } ?? (0..<columns).map { "p\($0)" }
            output += "index,class," + header.joined(separator: ",") + "\n"
        }
        try probabilities.withUnsafeBufferPointer { p in
            for (row, predicted) in classes.enumerated() {
                let values = p[row * columns ..< (row + 1) * columns]
                if json {
                    let numbers = values.map { $0.isFinite ? $0.description : "null" }.joined(separator: ",")
                    let shown = classText?[predicted] ?? String(predicted)
                    output += "{\"index\":\(row),\"class\":\(shown),\"probabilities\":[\(numbers)]}\n"
                } else {
                    let shown = classText?[predicted] ?? String(predicted)
                    output += "\(row),\(shown)," + values.map(\.description).joined(separator: ",") + "\n"
                }
                if output.utf8.count > 1 << 16 {
                    try StandardOutput.write(output)
                    output = ""
                }
            }
        }
        try StandardOutput.write(output)
        if let labels {
            let correct = zip(classes, labels).filter { $0 == Int($1) }.count
            writeToStandardError(String(format: "accuracy %.4f (%d of %d samples of %@)\n",
                                        Double(correct) / Double(labels.count), correct, labels.count, source))
        }
    }

    /// A regression model's predictions: `index,NAME,...` (or JSON lines) with the values in
    /// the targets' units, and with `--target-column` the metrics against the file's values.
    private func predictValues<Backend: KernelBackend>(with model: ImportedModel<Backend>,
                                                       targets: RegressionTargets) throws where Backend.Scalar == Float {
        let network = model.network
        if labelColumn != nil { throw CommandError("--label-column: \(modelOptions.model) is a regression model (use --target-column)") }
        let (inputs, known): (Tensor<Float>, Tensor<Float>?)
        let source: String
        if let csv {
            if !csvFile.targetColumns.isEmpty && csvFile.targetColumns != targets.names {
                throw CommandError("--target-column: \(modelOptions.model) predicts \(targets.names.joined(separator: ", ")), "
                                   + "not \(csvFile.targetColumns.joined(separator: ", "))")
            }
            // The target columns are taken out when the file has them; with --target-column it must.
            let data = try RegressionCSV(path: csv, model: model, targets: targets, options: modelOptions, file: csvFile,
                                         requireTargets: !csvFile.targetColumns.isEmpty)
            (inputs, known, source) = (data.inputs, csvFile.targetColumns.isEmpty ? nil : data.values, csv)
        } else {
            let (images, _, path) = try samples(for: model)
            (inputs, known, source) = (images, nil, path)
        }
        let values = targets.values(fromOutputs: network.predictions(inputs))
        let columns = values.columns
        // Names are JSON-escaped once (a CSV column may be called anything).
        let keys = targets.names.map { name in
            String(decoding: (try? JSONSerialization.data(withJSONObject: [name])) ?? Data("[\"\"]".utf8), as: UTF8.self)
                .dropFirst().dropLast()
        }
        var output = json ? "" : "index," + targets.names.map(csvField).joined(separator: ",") + "\n"
        try values.withUnsafeBufferPointer { v in
            for row in 0..<values.rows {
                let numbers = v[row * columns ..< (row + 1) * columns]
                if json {
                    output += "{\"index\":\(row)" + zip(keys, numbers).map { key, value in
                        ",\(key):" + (value.isFinite ? value.description : "null")
                    }.joined() + "}\n"
                } else {
                    output += "\(row)," + numbers.map(\.description).joined(separator: ",") + "\n"
                }
                if output.utf8.count > 1 << 16 {
                    try StandardOutput.write(output)
                    output = ""
                }
            }
        }
        try StandardOutput.write(output)
        if let known {
            let metrics = RegressionMetrics(predictions: values, targets: known)
            writeToStandardError(String(format: "RMSE %.4f, MAE %.4f, R² %.4f (%d samples of %@)\n",
                                        metrics.rmse, metrics.mae, metrics.r2, values.rows, source))
        }
    }
}

/// `field` as one CSV field: quoted, with its quotes doubled, when it holds a comma, a quote, a
/// line end or surrounding spaces (which readers trim).
func csvField(_ field: String) -> String {
    guard field.contains(where: { ",\"\n\r".contains($0) }) || field.first == " " || field.last == " " else {
        return field
    }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

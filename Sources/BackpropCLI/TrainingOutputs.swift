import Backprop
import Foundation

/// The files `train` writes — the model (`--save`) and the learning curves (`--curves`) —
/// checked before the data is even loaded and written together at the end: all of them or
/// none, each failure one formatted line.
struct TrainingOutputs {
    /// The model file, if `--save` was given.
    var save: URL?
    /// The curves directory, if `--curves` was given.
    var curves: URL?

    /// The file names `--curves` writes, in the directory it names.
    static let curveFileNames = (csv: "curves.csv", svg: "curves.svg")

    /// Checks the shape of the paths: a directory where a file is expected and the reverse,
    /// and missing parent directories, fail here with the option's name.
    init(save: String?, curves: String?) throws {
        self.save = try save.map(validatedSaveURL)
        self.curves = try curves.map { try validatedOutputDirectory($0, option: "--curves") }
    }

    /// Adds every file these outputs write (and the `--curves` directory) to `roles`, as the
    /// options spell them, for the comparison with the run's inputs.
    static func declare(save: String?, curves: String?, in roles: inout FileRoles) {
        roles.write(save, option: "--save")
        if let curves {
            roles.write(curves, option: "--curves")
            for name in [curveFileNames.csv, curveFileNames.svg] {
                roles.write((curves as NSString).appendingPathComponent(name), option: "--curves")
            }
        }
    }

    /// Probes each output (creating and removing a file, reserving `modelBytes` for the
    /// model), so a read-only directory, a full disk, a device or a name too long is found
    /// before the training run instead of after it.
    func checkWritable(modelBytes: Int) throws {
        do {
            if let save { try OutputSet.checkWritable(save, expectedSize: modelBytes) }
            if let curves {
                try OutputSet.checkWritable(curves.appendingPathComponent(Self.curveFileNames.csv))
                try OutputSet.checkWritable(curves.appendingPathComponent(Self.curveFileNames.svg))
            }
        } catch {
            throw CommandError("\(error) (checked before training; nothing was written)")
        }
    }

    /// Writes the model (`model` is nil when there is no `--save`) and the curves, all or none;
    /// returns the lines that say what was written.
    func write(model: Data?, curves learningCurves: LearningCurves) throws -> [String] {
        var set = OutputSet()
        var report: [String] = []
        if let save, let model {
            set.add(model, at: save)
            report.append("saved model to \(save.path)")
        }
        if let curves {
            let csv = curves.appendingPathComponent(Self.curveFileNames.csv)
            let svg = curves.appendingPathComponent(Self.curveFileNames.svg)
            set.add(Data(learningCurves.csv().utf8), at: csv)
            set.add(Data(learningCurves.svg().utf8), at: svg)
            report.append("wrote \(csv.path) and \(svg.path)")
        }
        do {
            try set.write()
        } catch {
            throw CommandError("\(error); nothing was written")
        }
        return report
    }
}

import Backprop
import Foundation
import Testing
import TestSupport

/// PyTorch `nn.Sequential(Linear, BatchNorm1d, ReLU, Dropout, Linear)` state dicts, written the
/// way `safetensors.torch.save_file` writes them (including BatchNorm1d's I64
/// `num_batches_tracked`), import against a layer list and compute what PyTorch's eval mode
/// computes: (x - running_mean) / sqrt(running_var + eps) * weight + bias, dropout as identity.
@Suite("PyTorch models with batch normalization and dropout import with a layer list",
       .enabled(if: Python.hasNumPy, "needs python3 with numpy"))
struct BatchNormImportTests {
    static let script = Python.safetensorsFunctions + """
    import sys
    rng = np.random.default_rng(7)
    f32 = lambda *shape: rng.normal(size=shape).astype(np.float32)
    x = f32(9, 6)
    w0, b0 = f32(5, 6), f32(5)
    gamma, beta, mean = f32(5), f32(5), f32(5)
    var = (rng.uniform(0.5, 2.0, size=5)).astype(np.float32)
    w4, b4 = f32(3, 5), f32(3)
    save_safetensors(sys.argv[1], [('0.weight', w0), ('0.bias', b0), ('1.weight', gamma), ('1.bias', beta),
                                   ('1.running_mean', mean), ('1.running_var', var),
                                   ('1.num_batches_tracked', ('I64', np.array(12, dtype=np.int64))),
                                   ('4.weight', w4), ('4.bias', b4)], {'format': 'pt'})
    save_safetensors(sys.argv[2], [('x', x)])
    h = x.astype(np.float64) @ w0.T.astype(np.float64) + b0
    h = (h - mean) / np.sqrt(var.astype(np.float64) + 1e-5) * gamma + beta
    y = np.maximum(h, 0) @ w4.T.astype(np.float64) + b4
    print(' '.join(repr(float(v)) for v in y.ravel()))
    """

    @Test("Linear, BatchNorm1d, ReLU, Dropout, Linear: PyTorch's eval-mode outputs to Float rounding")
    func sequentialWithBatchNorm() throws {
        let directory = try TemporaryDirectory()
        let (model, inputs) = (directory.path("torch.safetensors"), directory.path("x.safetensors"))
        let (status, output) = try Python.run(Self.script, arguments: [model.path, inputs.path])
        try #require(status == 0, "\(output)")
        let expected = output.split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }

        let layers = try LayerSpec.list(parsing: "affine:5,batchnorm:eps=1e-05,relu,dropout:0.5:inverted,affine:3")
        let imported = try ModelFile.importModel(from: model, backend: FastBackend(), layers: layers)
        #expect(imported.layout == .torch)
        #expect(imported.network.state.map(\.name)
                == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "running_mean1", "running_var1"])
        let x = try #require(try Safetensors.load(from: inputs).tensors["x"])
        let scores = imported.network.predict(x).scalars.map(Double.init)
        #expect(scores.count == expected.count)
        for (ours, theirs) in zip(scores, expected) {
            #expect(abs(ours - theirs) <= 1e-5 * max(1, abs(theirs)), "\(ours) vs \(theirs)")
        }

        // Saved in PyTorch's layout again, the file holds the same groups at the same indices.
        let again = directory.path("again.safetensors")
        try ModelFile.save(imported.network, to: again, layout: .torch)
        let names = try Safetensors.load(from: again).names.sorted()
        #expect(names == ["0.bias", "0.weight", "1.bias", "1.running_mean", "1.running_var", "1.weight", "4.bias", "4.weight"])
        let reread = try ModelFile.importModel(from: again, backend: FastBackend())
        #expect(reread.network.predict(x).scalars.map(\.bitPattern) == imported.network.predict(x).scalars.map(\.bitPattern))
    }

    @Test("Without a layer list, a state dict with batch normalization is refused with a line naming --layers")
    func needsLayerList() throws {
        let directory = try TemporaryDirectory()
        let (model, inputs) = (directory.path("torch.safetensors"), directory.path("x.safetensors"))
        let (status, output) = try Python.run(Self.script, arguments: [model.path, inputs.path])
        try #require(status == 0, "\(output)")
        let error = #expect(throws: ModelFileError.self) { try ModelFile.importModel(from: model, backend: FastBackend()) }
        #expect(error?.description.contains("--layers") == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix(model.path) == true)
    }
}

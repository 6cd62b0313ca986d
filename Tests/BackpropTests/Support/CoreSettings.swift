import Backprop
import CKernels
import Testing
import TestSupport

// The C core's thread bound and instruction set are process-wide. Tests that change them sit
// in one `.serialized` suite (``CoreSettingsTests``) and restore them with TestSupport's
// withThreadCount and withInstructionSet.

/// The bit patterns of every parameter, in order W1 b1 …: what "bitwise identical" compares
/// (`==` on Float would equate +0 with -0 and fail on NaN).
func parameterBits<Backend: KernelBackend>(of network: MultiLayerNet<Backend>) -> [[UInt32]]
where Backend.Scalar == Float {
    network.parameters.map { $0.tensor.scalars.map(\.bitPattern) }
}

/// The parent of every suite whose tests change the thread bound or the instruction set;
/// `.serialized` applies to every suite nested here, whichever file declares it.
@Suite(.serialized)
enum CoreSettingsTests {}

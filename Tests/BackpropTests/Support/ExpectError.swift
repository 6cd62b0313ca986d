import Testing

/// Expects `body` to throw exactly `expected`, and its description to name `path`: every
/// loader error must say which file is at fault.
func expectError<E: Error & Equatable & CustomStringConvertible>(
    _ expected: E, mentioning path: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> some Any
) {
    let error = #expect(throws: E.self, sourceLocation: sourceLocation) { _ = try body() }
    #expect(error == expected, sourceLocation: sourceLocation)
    #expect(error?.description.contains(path) == true, "\(String(describing: error)) does not name \(path)",
            sourceLocation: sourceLocation)
}

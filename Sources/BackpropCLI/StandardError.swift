import Foundation

/// Writes `text` to standard error without a newline (for the live progress line).
func writeToStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

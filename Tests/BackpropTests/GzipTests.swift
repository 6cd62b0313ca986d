@testable import Backprop
import Foundation
import PropertyBased
import Testing
import TestSupport

@Suite("Gzip")
struct GzipTests {
    @Test("decompressing a stored-block member gives back the bytes, for any content")
    func roundTrip() async {
        await propertyCheck(input: Gen.int(in: 0 ... 300), Gen.int(in: 0 ... 255)) { count, seed throws in
            let bytes = (0 ..< count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
            #expect(try Gzip.decompress(StoredGzip.member(bytes)) == bytes)
        }
    }

    @Test("concatenated members decompress to the concatenation, growing the output buffer")
    func concatenatedMembers() throws {
        // The trailer of the last member records 3 bytes, so the first guess at the output
        // size is far too small and the buffer must grow several times.
        let large = (0 ..< 200_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let small: [UInt8] = [7, 8, 9]
        let compressed = StoredGzip.member(large) + StoredGzip.member([]) + StoredGzip.member(small)
        #expect(try Gzip.decompress(compressed) == large + small)
    }

    @Test("real gzip output (the shipped MNIST test labels) decompresses to a valid IDX file")
    func realGzipFile() throws {
        let url = try MNIST.defaultDirectory().appendingPathComponent("t10k-labels-idx1-ubyte.gz")
        let bytes = try Gzip.decompress(Data(contentsOf: url), source: url.path)
        #expect(bytes.count == 8 + 10_000)
        #expect(Array(bytes.prefix(8)) == [0, 0, 8, 1, 0, 0, 0x27, 0x10])
    }

    @Test("a truncated stream throws, naming the source")
    func truncated() {
        let compressed = Array(StoredGzip.member(Array(repeating: 42, count: 100)).dropLast(5))
        let error = #expect(throws: DataError.self) { try Gzip.decompress(compressed, source: "cut.gz") }
        guard case .corruptGzip(let path, let reason)? = error else {
            Issue.record("expected corruptGzip, got \(String(describing: error))")
            return
        }
        #expect(path == "cut.gz")
        #expect(reason.contains("unexpected end"))
    }

    @Test("damaged streams throw corruptGzip", arguments: [
        // Byte 18 is the first byte of the CRC-32 of this 3-byte member.
        ("wrong checksum", StoredGzip.member([1, 2, 3]).enumerated().map { $0 == 18 ? $1 ^ 1 : $1 }),
        ("not gzip at all", Array("plain text, not compressed".utf8)),
        ("garbage after the member", StoredGzip.member([1, 2, 3]) + [0, 0, 0, 0]),
        ("empty input", []),
    ])
    func damaged(_ problem: String, bytes: [UInt8]) {
        let error = #expect(throws: DataError.self, "\(problem)") { try Gzip.decompress(bytes, source: "bad.gz") }
        guard case .corruptGzip(let path, _)? = error else {
            Issue.record("\(problem): expected corruptGzip, got \(String(describing: error))")
            return
        }
        #expect(path == "bad.gz")
        #expect(error?.description.hasPrefix("bad.gz: corrupt gzip stream") == true)
    }
}

@Suite("DataFile")
struct DataFileTests {
    @Test("a .gz file is decompressed, any other file is read as stored")
    func readsBothForms() throws {
        let directory = try TemporaryDirectory()
        let content: [UInt8] = [0x1F, 0x8B, 1, 2, 3]  // starts like gzip, but the name decides
        let plain = try directory.write(content, to: "data.bin")
        let compressed = try directory.write(StoredGzip.member(content), to: "data.bin.gz")
        #expect(try DataFile.contents(of: plain) == content)
        #expect(try DataFile.contents(of: compressed) == content)
    }

    @Test("missing, empty and directory paths throw errors naming the path")
    func fileErrors() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path("absent.gz")
        expectError(FileError.missingFile(path: missing.path), mentioning: missing.path) {
            try DataFile.contents(of: missing)
        }
        let empty = try directory.write([], to: "empty")
        expectError(DataError.emptyFile(path: empty.path), mentioning: empty.path) {
            try DataFile.contents(of: empty)
        }
        let folder = try directory.makeDirectory("folder.gz")
        expectError(FileError.notAFile(path: folder.path), mentioning: folder.path) {
            try DataFile.contents(of: folder)
        }
    }
}

extension GzipTests {
    @Test("decompress(upTo:) gives the bytes up to the limit and nil past it, whatever the member layout")
    func limit() throws {
        let content = (0 ..< 70_000).map { UInt8(truncatingIfNeeded: $0 % 253) }
        let compressed = StoredGzip.member(Array(content[..<30_000])) + StoredGzip.member(Array(content[30_000...]))
        #expect(try Gzip.decompress(compressed, upTo: 70_000) == content)
        #expect(try Gzip.decompress(compressed, upTo: 1_000_000) == content)
        #expect(try Gzip.decompress(compressed, upTo: 69_999) == nil)
        #expect(try Gzip.decompress(compressed, upTo: 0) == nil)
        #expect(try Gzip.decompress(StoredGzip.member([]), upTo: 0) == [])
        // Damage is still reported, not hidden behind the limit.
        #expect(throws: DataError.self) { try Gzip.decompress(Array(compressed.dropLast(3)), upTo: 80_000) }
    }
}

extension DataFileTests {
    @Test("a file past the memory limit is refused with one line naming it, stored or inflated")
    func memoryLimit() throws {
        let directory = try TemporaryDirectory()
        let content = (0 ..< 5000).map { UInt8(truncatingIfNeeded: $0) }
        let plain = try directory.write(content, to: "big.csv")
        let compressed = try directory.write(StoredGzip.member(content), to: "big.csv.gz")
        let limit = (bytes: 4999, memory: "a test limit")
        for url in [plain, compressed] {
            expectError(DataError.exceedsMemory(path: url.path, limit: 4999, memory: "a test limit"),
                        mentioning: url.path) {
                try DataFile.contents(of: url, limit: limit)
            }
            // 5000 bytes of content; the .gz file stores 5000 plus its headers.
            #expect(try DataFile.contents(of: url, limit: (bytes: 5100, memory: "a test limit")) == content)
            #expect(try DataFile.contents(of: url, limit: nil) == content)
        }
        #expect(DataError.exceedsMemory(path: "x.csv.gz", limit: 4_500_000_000, memory: "physical memory").description
                == "x.csv.gz: more than 4.5 GB to hold in memory (inflated, if compressed), a quarter of the memory this "
                + "process can still use (physical memory)")
    }

    @Test("the limit is a quarter of the memory the process can still use")
    func byteLimit() {
        let limit = DataFile.byteLimit(memory: MachineMemory(availableBytes: 8e9, limit: "physical memory"))
        #expect(limit?.bytes == 2_000_000_000 && limit?.memory == "physical memory")
        #expect(DataFile.byteLimit(memory: nil) == nil)
        #expect(DataFile.byteLimit(memory: MachineMemory(availableBytes: -5, limit: "x"))?.bytes == 0)
    }
}

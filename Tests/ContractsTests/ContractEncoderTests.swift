import Contracts
import Foundation
import XCTest

/// `ContractJSON.encode` (ContractEncoder) writes exactly the bytes of Foundation's
/// `JSONEncoder` with the contract's settings (every golden test checks the same for its
/// contract type).
final class ContractEncoderTests: XCTestCase {
    enum Colour: String, Codable { case darkRed = "dark_red", blue }

    struct Inner: Codable, Equatable {
        var innerValue: Int
        var optionalText: String?
    }

    struct Everything: Codable, Equatable {
        var text = "plain"
        var flag = true
        var int = -42
        var int8: Int8 = -8
        var int16: Int16 = 1_600
        var int32: Int32 = -32_000
        var int64: Int64 = 9_000_000_000_000_000_000
        var uint: UInt = 7
        var uint8: UInt8 = 255
        var uint16: UInt16 = 65_535
        var uint32: UInt32 = 4_000_000_000
        var uint64: UInt64 = 18_000_000_000_000_000_000
        var double = 0.1
        var wholeDouble = 42.0
        var tinyDouble = 1e-7
        var float: Float = 1.5
        var decimal = Decimal(string: "2.500")!
        var when = Date(timeIntervalSince1970: 1_764_000_000.123456)
        var data = Data([0, 1, 2, 254, 255])
        var url = URL(string: "https://pay.example/p/a b?x=1")!
        var missing: Int?
        var present: Int? = 3
        var myURLValue = "acronym"
        var isHTTP2Ok = true
        var x1Y = 1
        var colour = Colour.darkRed
        var colours: [Colour] = [.blue, .darkRed]
        var nested = Inner(innerValue: 1, optionalText: nil)
        var nestedList = [Inner(innerValue: 2, optionalText: "two"), Inner(innerValue: 3, optionalText: nil)]
        var camelDictionary = ["camelKey": 1, "b": 2, "a\"quote": 3]
        var intDictionary = [10: "ten", 2: "two"]
        var nestedDictionary = ["outerKey": ["innerKey": Inner(innerValue: 4, optionalText: "x")]]
        var matrix = [[1, 2], [], [3]]
        var emptyList: [String] = []
        var emptyDictionary: [String: Int] = [:]
        var optionalList: [Int?] = [1, nil, 3]
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_700_000_000.5)]
    }

    func testEveryKindOfValueEncodesToJSONEncodersBytes() throws {
        try assertSameBytes(Everything())
        try assertSameBytes([Everything(), Everything()])
        try assertSameBytes(["top": Everything()])
        try assertSameBytes("a top-level string")
        try assertSameBytes(12)
        try assertSameBytes([Int?.none])
    }

    /// A type with a hand-written `encode(to:)`: nested containers, `superEncoder`, a key
    /// written twice, and members written out of order.
    struct HandWritten: Encodable {
        enum Keys: String, CodingKey { case zebraKey, alphaKey, nestedObject, nestedList, superValue }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .zebraKey)
            try container.encode(2, forKey: .alphaKey)
            try container.encode(3, forKey: .zebraKey)
            var object = container.nestedContainer(keyedBy: Keys.self, forKey: .nestedObject)
            try object.encodeNil(forKey: .alphaKey)
            var list = container.nestedUnkeyedContainer(forKey: .nestedList)
            try list.encode("first")
            var inner = list.nestedContainer(keyedBy: Keys.self)
            try inner.encode(true, forKey: .zebraKey)
            var deeper = list.nestedUnkeyedContainer()
            try deeper.encode(Date(timeIntervalSince1970: 5))
            try Inner(innerValue: 9, optionalText: "s").encode(to: container.superEncoder(forKey: .superValue))
        }
    }

    func testHandWrittenEncodersWithNestedAndSuperContainers() throws {
        try assertSameBytes(HandWritten())
    }

    /// Keys are ordered by their text, not their escaped form: a key that is the start of
    /// another followed by a character below `"`, and keys holding `"`, `\`, `/` or a
    /// control character, in dictionaries and as coding keys.
    struct OddKeys: Encodable {
        enum Keys: String, CodingKey { case plain = "a", spaced = "a b", bang = "a!", slash = "a/b", quote = "a\"", hash = "a#" }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            for key in [Keys.hash, .quote, .slash, .bang, .spaced, .plain] { try container.encode(key.rawValue, forKey: key) }
            // A superEncoder without a key of its own ("super"), as JSONEncoder names it.
            try "parent".encode(to: container.superEncoder())
        }
    }

    func testKeysAreOrderedByTheirTextAsJSONEncoderOrdersThem() throws {
        try assertSameBytes(OddKeys())
        try assertSameBytes(["a": 1, "a b": 2, "a!": 3, "a\u{1}": 4, "a\"": 5, "a#": 6, "a\\": 7, "a/b": 8, "a]": 9])
        try assertSameBytes(JSONValue.object(["a": .number(1), "a b": .number(2), "a\"x": .string("q"), "a#": .null]))
    }

    /// Strings of every kind of character: quotes, backslashes, slashes, each control
    /// character, DEL, line separators, and characters beyond the BMP.
    func testStringsAreEscapedAsJSONEncoderEscapesThem() throws {
        var every: [String] = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }
        every += ["\u{2028}\u{2029}", "é", "😀", "a\"b\\c/d", "</script>", "\u{FEFF}", "mixed\u{0}nul"]
        try assertSameBytes(every)
        var generator = SplitMix(seed: 0x5EED)
        let alphabet: [UnicodeScalar] = (0..<0x80).compactMap(UnicodeScalar.init) + ["é", "ß", "\u{2028}", "€", "😀", "\u{10FFFF}", "\u{FFFD}"]
        for _ in 0..<500 {
            let length = Int(generator.next() % 24)
            let text = String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
            try assertSameBytes(["key": text, "k2": text + text])
        }
    }

    func testContractTypesEncodeAsBefore() throws {
        let body = ErrorBody(.failedPrecondition, "the invoice is paid", details: ["invoiceId": "x", "b": "y"])
        try assertSameBytes(body)
        try assertSameBytes(Envelope(kind: .command, type: "invoice.create"))
        try assertSameBytes(JSONValue.object(["camelKey": .array([.number(1.5), .string("s"), .bool(false), .null])]))
    }

    private func assertSameBytes<T: Encodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
        let ours = try ContractJSON.encode(value)
        let foundation = Array(try ContractJSON.encoder().encode(value))
        XCTAssertEqual(String(decoding: ours, as: UTF8.self), String(decoding: foundation, as: UTF8.self), file: file, line: line)
    }
}

/// A small deterministic generator (SplitMix64) for the string cases.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

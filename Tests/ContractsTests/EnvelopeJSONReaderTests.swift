@testable import Contracts
import Foundation
import XCTest

/// The envelope's own JSON reader accepts what RFC 8259 accepts (stricter than
/// JSONSerialization, which takes trailing commas), and reads strings as JSONEncoder writes them.
final class EnvelopeJSONReaderTests: XCTestCase {
    private func parses(_ text: String) -> Bool { EnvelopeJSONReader.parse(Array(text.utf8)) != nil }

    func testInvalidJSONIsRefusedAsJSONSerializationRefusesIt() {
        let invalid = ["", " ", "{", "}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{\"a\":01}",
                       "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":tru}", "{\"a\":nul}",
                       "{\"a\":\"x\ty\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\ud800\"}",
                       "{\"a\":\"\\udc00\"}", "{\"a\":\"unterminated}", "{\"a\":1} x", "{\"a\":1}}", "{'a':1}",
        ]
        for text in invalid {
            XCTAssertFalse(parses(text), text)
            XCTAssertNil(try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
                         "JSONSerialization accepts \(text)")
        }
        // Where JSONSerialization is lenient, or nesting no envelope has.
        for text in ["{\"a\":1,}", "[1,]", String(repeating: "[", count: 40) + String(repeating: "]", count: 40)] {
            XCTAssertFalse(parses(text), text)
        }
        // Not UTF-8, with and without an escape before it: a stray byte, an overlong "/", a surrogate.
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80]] {
            for prefix: [UInt8] in [[], [0x5C, 0x6E]] {
                XCTAssertNil(EnvelopeJSONReader.parse(Array(#"{"a":""#.utf8) + prefix + bad + Array(#""}"#.utf8)), "\(prefix + bad)")
            }
        }
        XCTAssertFalse(parses(#"{"actor":{"role":"a"},"actor":{"role":"b"}}"#), "a member twice")
        XCTAssertFalse(parses(#"{"a":{"k":1,"k":1}}"#), "a member twice, nested")
    }

    func testValidJSONIsAcceptedAndItsMembersTyped() throws {
        let text = #" { "s" : "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00" , "i" : -9007199254740993, "z": 0, "n": null,"#
            + #" "t": true, "f": false, "d": 1.5e3, "e": 2E-1, "big": 99999999999999999999, "a": [1, {"x": [[]]}, "y"],"#
            + #" "o": {"k": "v", "empty": {}} } "#
        guard case .object(let members)? = EnvelopeJSONReader.parse(Array(text.utf8)) else {
            return XCTFail("valid JSON refused")
        }
        XCTAssertEqual(members["s"], .string("a\"b\\c/d\u{08}\u{0C}\n\r\té😀"))
        XCTAssertEqual(members["i"], .integer(-9_007_199_254_740_993))
        XCTAssertEqual(members["z"], .integer(0))
        XCTAssertEqual(members["n"], .null)
        for key in ["t", "f", "d", "e", "big", "a"] { XCTAssertEqual(members[key], .other, key) }
        XCTAssertEqual(members["o"], .object(["k": .string("v"), "empty": .object([:])]))
    }

    func testEveryStringJSONEncoderWritesReadsBackTheSame() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "\"", "\\", "/", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{2028}", " "]
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let json = try JSONEncoder().encode(["k": text])
            XCTAssertEqual(EnvelopeJSONReader.parse(Array(json)), .object(["k": .string(text)]), text.debugDescription)
        }
    }
}

import Contracts
import Foundation
import XCTest

/// Checks that `value` encodes to the JSON pinned in `Golden/<name>.json` (same keys, same
/// values) and that the golden file decodes back to `value`.
func assertMatchesGolden<T: Codable & Equatable>(
    _ value: T, _ name: String, file: StaticString = #filePath, line: UInt = #line
) throws {
    let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"),
                            "missing Golden/\(name).json", file: file, line: line)
    let golden = try Data(contentsOf: url)
    let encoded = Data(try ContractJSON.encode(value))
    XCTAssertEqual(Array(encoded), Array(try ContractJSON.encoder().encode(value)),
                   "ContractEncoder's bytes differ from JSONEncoder's", file: file, line: line)
    let goldenObject = try JSONSerialization.jsonObject(with: golden) as? NSDictionary
    let encodedObject = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
    XCTAssertEqual(encodedObject, goldenObject,
                   "wire form changed: \(String(decoding: encoded, as: UTF8.self))", file: file, line: line)
    XCTAssertEqual(try ContractJSON.decode(T.self, from: Array(golden)), value, file: file, line: line)
}

/// Checks the hand-written envelope JSON against the same golden file.
func assertEnvelopeJSONMatchesGolden(_ envelope: Envelope, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"))
    let golden = try Data(contentsOf: url)
    let fast = envelope.jsonBytes()
    XCTAssertEqual(fast, try ContractJSON.encode(envelope), "hand-written JSON differs from Codable's", file: file, line: line)
    XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(fast)) as? NSDictionary,
                   try JSONSerialization.jsonObject(with: golden) as? NSDictionary, file: file, line: line)
    XCTAssertEqual(try Envelope(jsonBytes: Array(golden)), envelope, file: file, line: line)
}

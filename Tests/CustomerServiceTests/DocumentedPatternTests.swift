import Contracts
@testable import CustomerService
import Foundation
import XCTest

/// The API document's patterns for phone numbers, websites and countries say exactly what
/// the services refuse with 400: each sample is matched by the document's regular
/// expression (ICU, as a client would) and run through the services' own rules.
final class DocumentedPatternTests: XCTestCase {
    private func property(_ schema: String, _ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.json")
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
        let properties = (schemas?[schema] as? [String: Any])?["properties"] as? [String: Any]
        return try XCTUnwrap((properties?[name] as? [String: Any])?["pattern"] as? String, "\(schema).\(name)")
    }

    private func matches(_ pattern: String, _ text: String) throws -> Bool {
        let regex = try NSRegularExpression(pattern: pattern)
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Whether the rule refuses `fields` as breaking the document (400), not as a later rule (422).
    private func refusedAsMalformed(_ fields: CustomerFields) -> Bool {
        do {
            _ = try CustomerValidation.normalised(fields)
            return false
        } catch {
            return error.code == .invalidArgument
        }
    }

    private let phones = [
        "+1 555 0100", "(555) 010-0100", "555.010.0100 ext. 12", "555 0100 EXT 3", "5550100#4", "  +44 20 7946 0958\t", "",
        "   ", "555", "12345678901234567890", "123456789012345678901", "+", "++15550100", "555-0100 x", "555-0100 x1234567",
        "555-0100 ext.  12", "call 5550100", "５５５０１００", "555\u{301}0100", "+1 555 0100 x12 ", "1-800-FLOWERS", "55501 00.",
    ]

    private let websites = [
        "https://acme.example", "HTTP://Acme.Example:8080/pay?x=1#a", "acme.example", "www.acme.co.uk/billing", "", "  ",
        "acme", "http://", "https://-acme.example", "https://acme-.example", "https://acme..example", "ftp://acme.example",
        "https://acme.example/has space", "acme.example:99999", "acme.example:", "https://acme.example:443", "192.168.0.1",
        "https://acmé.example", "acme.example/\u{301}", "https://user@acme.example",
    ]

    private let countries = ["US", "us", "Us", " de ", "", "  ", "USA", "U", "QQ", "1A", "ÜS", "U\u{301}S"]

    func testThePhonePatternRefusesExactlyWhatTheServicesRefuse() throws {
        let pattern = try property("CustomerFields", "phone")
        for phone in phones {
            XCTAssertEqual(refusedAsMalformed(CustomerFields(displayName: "Acme", phone: phone)), !(try matches(pattern, phone)),
                           "\(phone.debugDescription)")
        }
        XCTAssertEqual(try property("ContactFields", "mobile"), pattern)
    }

    func testTheWebsitePatternRefusesExactlyWhatTheServicesRefuse() throws {
        let pattern = try property("CustomerFields", "website")
        for website in websites {
            XCTAssertEqual(refusedAsMalformed(CustomerFields(displayName: "Acme", website: website)), !(try matches(pattern, website)),
                           "\(website.debugDescription)")
        }
    }

    func testTheCountryPatternRefusesExactlyWhatTheServicesRefuseAndAnUnassignedCodeIsAStateRule() throws {
        let pattern = try property("Address", "country")
        for country in countries {
            XCTAssertEqual(refusedAsMalformed(CustomerFields(displayName: "Acme", billingAddress: Address(country: country))),
                           !(try matches(pattern, country)), "\(country.debugDescription)")
        }
        XCTAssertThrowsError(try CustomerValidation.normalised(CustomerFields(displayName: "Acme", billingAddress: Address(country: "QQ")))) {
            XCTAssertEqual(($0 as? ErrorBody)?.code, .failedPrecondition)
        }
        XCTAssertEqual(CountryCode.assigned.count, 249)
    }
}

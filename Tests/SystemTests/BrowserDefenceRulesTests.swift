import Gateway
import XCTest

/// The rules behind the browser defences, in-process: where sign-in may send a person
/// next, and which origins count as this site.
final class BrowserDefenceRulesTests: XCTestCase {
    func testSignInFollowsOnlyLocalPaths() {
        for local in ["/customers", "/customers/123?tab=invoices", "/a/b#c", "/"] {
            XCTAssertEqual(LocalPath.safe(local), local)
        }
        // Known open-redirect bypasses: each would leave the site in some browser.
        let bypasses = [
            "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
            "/%09/evil.example", "/%2F/evil.example", "/%5Cevil.example", "/\n/evil.example", "/\r/evil.example",
            " /evil", "/ /evil.example", "https://evil.example", "http:/evil.example", "evil.example",
            "javascript:alert(1)", "/\u{0000}/evil", "/\u{200B}/evil.example", "/%E2%80%8B/evil.example", "", "%2F%2Fevil.example",
        ]
        for bypass in bypasses {
            XCTAssertEqual(LocalPath.safe(bypass), LocalPath.fallback, "followed \(bypass.debugDescription)")
        }
        XCTAssertEqual(LocalPath.safe(nil), LocalPath.fallback)
    }

    func testOriginsCompareSchemeHostAndPort() throws {
        let site = try XCTUnwrap(SiteOrigin("https://ar.example.com"))
        XCTAssertEqual(SiteOrigin("https://AR.example.com:443/path"), site)
        XCTAssertNotEqual(SiteOrigin("http://ar.example.com"), site, "another scheme")
        XCTAssertNotEqual(SiteOrigin("https://ar.example.com:8443"), site, "another port")
        XCTAssertNotEqual(SiteOrigin("https://ar.example.com.evil.example"), site, "another host")
        XCTAssertNil(SiteOrigin("null"))
        XCTAssertNil(SiteOrigin("ftp://ar.example.com"))
    }
}

import Contracts
import Foundation
import Mustache

/// The web UI's pages: Mustache templates (`Web/Templates`, HTML-escaped by default)
/// rendered with the view models below, which hold every value already worded for the
/// page. A template that fails to parse is reported at the first render, by name.
enum Pages {
    private static let library: Result<MustacheLibrary, any Error> = Result {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw PageError("the page templates are missing from the gateway's bundle")
        }
        var library = MustacheLibrary()
        for name in ["layout", "login", "customers", "details"] {
            let text = try String(contentsOf: directory.appendingPathComponent("\(name).mustache"), encoding: .utf8)
            try library.register(text, named: name)
        }
        return library
    }

    struct PageError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// `view` rendered with the template `name`.
    static func render(_ name: String, _ view: Any) throws -> String {
        guard let page = try library.get().render(view, withTemplate: name) else {
            throw PageError("no page template named \(name)")
        }
        return page
    }

    /// A date and time as the pages show it: `2026-11-29 14:05 UTC`.
    static func dateTime(_ date: Date) -> String {
        let text = RFC3339.string(from: date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " UTC"
    }
}

/// The sign-in page.
struct LoginPage {
    let title = "Sign in"
    let signedIn = false
    let next: String
    let error: String?
    let email: String

    static func render(next: String, error: String? = nil, email: String = "") throws -> String {
        try Pages.render("login", LoginPage(next: next, error: error, email: email))
    }
}

/// The Customers list: search, "+ Add Customer", one row per customer.
struct CustomersPage {
    struct Row {
        let id: String
        let name: String
        let company: String
        let number: String
        let email: String
        let phone: String
    }

    let title = "Customers"
    let signedIn = true
    let totalLabel: String
    let query: String
    let rows: [Row]
    let hasRows: Bool
    let emptyText: String
    /// Whether the signed-in role may create customers (the button is not there otherwise).
    let canAdd: Bool

    static func render(page: CustomerPage, query: String?, canAdd: Bool) throws -> String {
        let rows = page.items.map { customer in
            Row(id: customer.id.description, name: customer.fields.displayName, company: customer.fields.company ?? "",
                number: customer.fields.customerNumber ?? "", email: customer.fields.email ?? "", phone: customer.fields.phone ?? "")
        }
        let view = CustomersPage(
            totalLabel: "\(page.total) customer\(page.total == 1 ? "" : "s")", query: query ?? "", rows: rows, hasRows: !rows.isEmpty,
            emptyText: query.map { "No customer matches “\($0)”." } ?? "No customers yet. Add your first customer to start collecting.",
            canAdd: canAdd)
        return try Pages.render("customers", view)
    }
}

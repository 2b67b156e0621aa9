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
        for name in ["layout", "login", "customers", "details", "collection-statuses", "portal", "tasks"] {
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

/// A choice in a page's `<select>`.
struct PageOption {
    let value: String
    let label: String
    let selected: Bool
}

extension CustomerStatus {
    /// The badge class the pages show this status with.
    var badgeCSS: String? {
        switch self {
        case .active: return "badge-active"
        case .new: return nil
        case .noBalance, .inactive: return "badge-muted"
        }
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

/// The Customers list: search, filters, order, "+ Add Customer", "Export CSV", one row per
/// customer with what an AR team scans for, and the next page.
struct CustomersPage {
    struct Row {
        let id: String
        let name: String
        let company: String
        let number: String
        let email: String
        let phone: String
        let status: String
        let statusCSS: String?
        let open: String
        let overdue: String
        let isOverdue: Bool
        let specialist: String
    }

    typealias Option = PageOption

    let title = "Customers"
    let signedIn = true
    let totalLabel: String
    let query: String
    let statuses: [Option]
    let specialists: [Option]
    let sorts: [Option]
    let rows: [Row]
    let hasRows: Bool
    let emptyText: String
    /// The same list as CSV: the API's export with these filters.
    let exportURL: String
    let nextURL: String?
    /// Whether the signed-in role may create customers (the button is not there otherwise).
    let canAdd: Bool
    /// Whether it may assign AR specialists, to many customers at once, and to whom.
    let canAssign: Bool
    let assignable: [Option]

    static let sortLabels: [(CustomerSort, String)] = [
        (.newest, "Newest first"), (.largestOverdueBalance, "Overdue balance, largest first"),
        (.largestOpenBalance, "Open balance, largest first"), (.name, "Name, A to Z"), (.nameDescending, "Name, Z to A"),
        (.created, "Oldest first"),
    ]

    static func render(page: CustomerPage, list: ListCustomers, specialists: [SpecialistReference], canAdd: Bool,
                       canAssign: Bool = false) throws -> String {
        let rows = page.items.map { item in
            let customer = item.record
            return Row(id: customer.id.description, name: customer.fields.displayName, company: customer.fields.company ?? "",
                       number: customer.fields.customerNumber ?? "", email: customer.fields.email ?? "",
                       phone: customer.fields.phone ?? "", status: item.status.label, statusCSS: item.status.badgeCSS,
                       open: customer.currency.format(item.openBalanceCents), overdue: customer.currency.format(item.overdueBalanceCents),
                       isOverdue: item.overdueBalanceCents > 0, specialist: item.specialist?.name ?? "—")
        }
        var filters: [(String, String)] = []
        if let query = list.query, !query.isEmpty { filters.append(("q", query)) }
        if let status = list.status { filters.append(("status", status.rawValue)) }
        if let specialist = list.specialistId { filters.append(("specialist_id", specialist.description)) }
        if let sort = list.sort { filters.append(("sort", sort.rawValue)) }
        let filtered = list.query?.isEmpty == false || list.status != nil || list.specialistId != nil
        let view = CustomersPage(
            totalLabel: "\(page.total) customer\(page.total == 1 ? "" : "s")", query: list.query ?? "",
            statuses: [Option(value: "", label: "Any status", selected: list.status == nil)]
                + CustomerStatus.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: list.status == $0) },
            specialists: [Option(value: "", label: "Any specialist", selected: list.specialistId == nil)]
                + specialists.map { Option(value: $0.id.description, label: $0.name ?? $0.id.description, selected: list.specialistId == $0.id) },
            sorts: sortLabels.map { Option(value: $0.0 == .default ? "" : $0.0.rawValue, label: $0.1, selected: (list.sort ?? .default) == $0.0) },
            rows: rows, hasRows: !rows.isEmpty,
            emptyText: filtered ? "No customer matches these filters." : "No customers yet. Add your first customer to start collecting.",
            exportURL: "/api/v1/customers/export.csv" + Self.queryString(filters),
            nextURL: page.nextCursor.map { "/customers" + Self.queryString(filters + [("cursor", $0)]) },
            canAdd: canAdd, canAssign: canAssign && !rows.isEmpty,
            assignable: specialists.map { Option(value: $0.id.description, label: $0.name ?? $0.id.description, selected: false) })
        return try Pages.render("customers", view)
    }

    /// `?a=1&b=2`, each value percent-encoded (nothing when there is nothing).
    static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return "?" + items.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}

/// The Collection Statuses page: the business's stages of collecting, in order; managers and
/// above add, rename, move, mark and delete them.
struct CollectionStatusesPage {
    struct Row {
        let id: String
        let name: String
        let position: Int
        let isDefault: Bool
        let disputed: Bool
        let managers: [PageOption]
    }

    let title = "Collection statuses"
    let signedIn = true
    let rows: [Row]
    let hasRows: Bool
    let canManage: Bool
    let managers: [PageOption]

    static func render(_ statuses: [CollectionStatus], managers people: [SpecialistReference], canManage: Bool) throws -> String {
        func choices(_ selected: UserID?) -> [PageOption] {
            [PageOption(value: "", label: "No manager", selected: selected == nil)]
                + people.map { PageOption(value: $0.id.description, label: $0.name ?? $0.id.description, selected: $0.id == selected) }
        }
        let rows = statuses.map {
            Row(id: $0.id.description, name: $0.name, position: $0.position, isDefault: $0.isDefault, disputed: $0.disputed,
                managers: choices($0.managerId))
        }
        return try Pages.render("collection-statuses", CollectionStatusesPage(
            rows: rows, hasRows: !rows.isEmpty, canManage: canManage, managers: choices(nil)))
    }
}

/// "My tasks": the signed-in person's open tasks, the most overdue first, each completed by
/// its checkbox.
struct TasksPage {
    struct Row { let id: String; let title: String; let due: String; let overdue: Bool; let customerId: String }

    let title = "My tasks"
    let signedIn = true
    let tasks: [Row]
    let hasTasks: Bool
    let canEdit: Bool

    /// `today`: the business's date (a task due before it is overdue).
    static func render(_ tasks: [TaskRecord], canEdit: Bool, today: BusinessDate) throws -> String {
        let rows = tasks.map {
            Row(id: $0.id.description, title: $0.title, due: $0.dueOn.description, overdue: $0.dueOn < today,
                customerId: $0.customerId.description)
        }
        return try Pages.render("tasks", TasksPage(tasks: rows, hasTasks: !rows.isEmpty, canEdit: canEdit))
    }
}

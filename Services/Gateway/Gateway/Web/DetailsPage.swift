import Contracts

/// The Customer Details screen: the AR specialist's control room for one customer.
enum DetailsPage {
    static func render(_ details: CustomerDetails) -> String {
        let record = details.customer.record
        let fields = record.fields
        let currency = record.currency
        let body = """
            <nav class="crumbs"><a href="/customers">Customers</a> / <span>\(HTML.escape(fields.displayName))</span></nav>
            <div class="page-head">
              <div>
                <h1 data-testid="customer-name">\(HTML.escape(fields.displayName)) \(statusBadge(details))</h1>
                <p class="muted">\([fields.company, fields.customerNumber.map { "No. \($0)" }].compactMap { $0 }.map(HTML.escape).joined(separator: " · "))</p>
              </div>
            </div>
            \(unavailableBanner(details.unavailable))
            \(totals(details, currency))
            <div class="layout">
              <div class="column">
                \(profile(record))
                \(contacts(details))
                \(invoices(details, currency))
                \(promises(details, currency))
              </div>
              <div class="column">
                \(specialist(details))
                \(payment(details, currency))
                \(history(details))
                \(documents(details))
              </div>
            </div>
            """
        return HTML.page(title: fields.displayName, active: "customers", body: body)
    }

    private static func statusBadge(_ details: CustomerDetails) -> String {
        if details.customer.record.isDeactivated { return "<span class=\"badge badge-muted\">Inactive</span>" }
        guard let invoices = details.invoices else { return "" }
        if invoices.isEmpty { return "<span class=\"badge\">New</span>" }
        if (details.totals?.openCents ?? 0) > 0 { return "<span class=\"badge badge-active\">Active</span>" }
        return "<span class=\"badge badge-muted\">No open balance</span>"
    }

    private static func unavailableBanner(_ sections: [String]) -> String {
        guard !sections.isEmpty else { return "" }
        return "<div class=\"banner\" role=\"status\" data-testid=\"unavailable\">Some information is temporarily unavailable: \(HTML.escape(sections.joined(separator: ", "))). Everything else on this page is current.</div>"
    }

    private static func section(_ title: String, _ id: String, _ content: String, action: String = "") -> String {
        """
        <section class="card" id="\(id)">
          <div class="card-head"><h2>\(HTML.escape(title))</h2>\(action)</div>
          \(content)
        </section>
        """
    }

    private static func totals(_ details: CustomerDetails, _ currency: Currency) -> String {
        guard let totals = details.totals else {
            return section("Balance", "totals", HTML.unavailable("Balances"))
        }
        let aging = totals.aging
        let buckets = [("Current", aging.current), ("1–30", aging.d1_30), ("31–60", aging.d31_60), ("61–90", aging.d61_90), ("90+", aging.over_90)]
        return """
            <div class="stats">
              <div class="stat"><span class="label">Open balance</span><span class="value">\(HTML.money(totals.openCents, currency))</span></div>
              <div class="stat"><span class="label">Overdue</span><span class="value \(totals.overdueCents > 0 ? "danger" : "")">\(HTML.money(totals.overdueCents, currency))</span></div>
              <div class="stat"><span class="label">Unapplied credit</span><span class="value">\(details.payment.map { HTML.money($0.unappliedCreditCents, currency) } ?? "—")</span></div>
              <div class="stat aging">
                <span class="label">Aging</span>
                <div class="buckets">\(buckets.map { "<div><span>\($0.0)</span><strong>\(HTML.money($0.1, currency))</strong></div>" }.joined())</div>
              </div>
            </div>
            """
    }

    private static func profile(_ record: CustomerRecord) -> String {
        let fields = record.fields
        func row(_ label: String, _ value: String?) -> String {
            guard let value, !value.isEmpty else { return "" }
            return "<div><dt>\(label)</dt><dd>\(HTML.escape(value))</dd></div>"
        }
        func address(_ address: Address?) -> String? {
            guard let address else { return nil }
            let cityLine = [address.city, address.region, address.postalCode].compactMap { $0 }.joined(separator: " ")
            return [address.line1, address.line2, cityLine, address.country].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        }
        let shipping = fields.shippingSameAsBilling == false ? address(fields.shippingAddress) : "Same as billing"
        let rows = [
            row("Email", fields.email), row("Phone", fields.phone), row("Mobile", fields.mobile), row("Website", fields.website),
            row("Name on checks", fields.nameOnChecks), row("Billing address", address(fields.billingAddress)),
            row("Shipping address", shipping), row("Payment terms", "Net \(record.paymentTermsDays)"),
            row("Currency", record.currency.code), row("Notes", fields.notes),
        ].joined()
        return section("Profile", "profile", "<dl class=\"facts\">\(rows)</dl>")
    }

    private static func specialist(_ details: CustomerDetails) -> String {
        let content = details.specialist == nil
            ? HTML.empty("No AR specialist assigned. The business default specialist handles this customer.")
            : "<p>Assigned specialist: \(HTML.escape(details.specialist?.id.description))</p>"
        return section("AR specialist", "specialist", content)
    }

    private static func contacts(_ details: CustomerDetails) -> String {
        guard !details.contacts.isEmpty else {
            return section("Billing contacts", "contacts", HTML.empty("No billing contacts yet."))
        }
        let rows = details.contacts.map { entry in
            let contact = entry.contact
            return """
                <li><strong>\(HTML.escape(contact.name))</strong> <span class="badge badge-muted">\(HTML.escape(contact.role))</span>
                  <div class="muted">\([contact.email, contact.phone].compactMap { $0 }.map(HTML.escape).joined(separator: " · "))</div>
                  <div class="muted">\(entry.workflow.map { "Workflow: \(HTML.escape($0.workflowName)) (\(HTML.escape($0.state)))" } ?? "No workflow")</div></li>
                """
        }.joined()
        return section("Billing contacts", "contacts", "<ul class=\"list\">\(rows)</ul>")
    }

    private static func invoices(_ details: CustomerDetails, _ currency: Currency) -> String {
        guard let invoices = details.invoices else { return section("Invoices", "invoices", HTML.unavailable("Invoices")) }
        guard !invoices.isEmpty else { return section("Invoices", "invoices", HTML.empty("No invoices yet.")) }
        let rows = invoices.map { entry in
            let invoice = entry.invoice
            return """
                <tr><td>\(HTML.escape(invoice.number))</td><td>\(invoice.dueDate)</td><td>\(HTML.escape(invoice.state.replacingOccurrences(of: "_", with: " ")))</td>
                <td class="num">\(HTML.money(invoice.totalCents, invoice.currency))</td><td class="num">\(HTML.money(invoice.balanceCents, invoice.currency))</td></tr>
                """
        }.joined()
        return section("Invoices", "invoices", """
            <table class="table"><thead><tr><th>Number</th><th>Due</th><th>State</th><th class="num">Total</th><th class="num">Balance</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """)
    }

    private static func promises(_ details: CustomerDetails, _ currency: Currency) -> String {
        guard let promises = details.promises else { return section("Promises to pay", "promises", HTML.unavailable("Promises")) }
        guard !promises.isEmpty else { return section("Promises to pay", "promises", HTML.empty("No open promises to pay.")) }
        let rows = promises.map { "<li>\(HTML.money($0.amountCents, currency)) promised for \($0.promisedOn)\($0.note.map { " — \(HTML.escape($0))" } ?? "")</li>" }.joined()
        return section("Promises to pay", "promises", "<ul class=\"list\">\(rows)</ul>")
    }

    private static func payment(_ details: CustomerDetails, _ currency: Currency) -> String {
        guard let payment = details.payment else { return section("Payments", "payment", HTML.unavailable("Payment details")) }
        let methods = [payment.settings.cardAllowed ? "Card" : nil, payment.settings.achAllowed ? "ACH" : nil].compactMap { $0 }
        let link = payment.link.map { "<p>Payment link: <a href=\"\(HTML.escape($0.url))\">\(HTML.escape($0.url))</a></p>" }
            ?? HTML.empty("No payment link yet.")
        return section("Payments", "payment", """
            <dl class="facts">
              <div><dt>Accepts online</dt><dd>\(methods.isEmpty ? "Offline payments only" : methods.joined(separator: ", "))</dd></div>
              <div><dt>Autopay</dt><dd>\(payment.settings.autopay ? "On" : "Off")</dd></div>
              <div><dt>Settings</dt><dd>\(payment.settings.isCustomerSpecific ? "This customer's own" : "Business defaults")</dd></div>
              <div><dt>Unapplied credit</dt><dd>\(HTML.money(payment.unappliedCreditCents, currency))</dd></div>
            </dl>
            \(link)
            """)
    }

    private static func history(_ details: CustomerDetails) -> String {
        guard let history = details.history else { return section("History", "history", HTML.unavailable("History entries")) }
        let items = history.items.isEmpty ? HTML.empty("Nothing has happened yet.") : "<ol class=\"timeline\">" + history.items.map { item in
            """
            <li data-testid="history-item"><span class="when">\(HTML.date(item.occurredAt))</span>
              <span class="what">\(HTML.escape(item.summary))</span></li>
            """
        }.joined() + "</ol>"
        let tasks = history.openTasks.isEmpty ? "" : "<h3>Open tasks</h3><ul class=\"list\">" + history.openTasks.map {
            "<li>\(HTML.escape($0.title)) — due \($0.dueOn)</li>"
        }.joined() + "</ul>"
        return section("History", "history", items + tasks)
    }

    private static func documents(_ details: CustomerDetails) -> String {
        guard !details.documents.isEmpty else { return section("Documents", "documents", HTML.empty("No documents yet.")) }
        let rows = details.documents.map { "<li>\(HTML.escape($0.filename)) <span class=\"muted\">\($0.sizeBytes / 1024) KB</span></li>" }.joined()
        return section("Documents", "documents", "<ul class=\"list\">\(rows)</ul>")
    }
}

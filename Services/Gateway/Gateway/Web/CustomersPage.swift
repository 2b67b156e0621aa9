import Contracts

/// The Customers list: search, "+ Add Customer", one row per customer.
enum CustomersPage {
    /// `canAdd`: whether the signed-in role may create customers (the button is hidden otherwise).
    static func render(page: CustomerPage, query: String?, canAdd: Bool) -> String {
        let rows = page.items.map { customer in
            let fields = customer.fields
            return """
                <tr>
                  <td><a class="strong" href="/customers/\(customer.id)">\(HTML.escape(fields.displayName))</a>
                      <div class="muted">\(HTML.escape(fields.company))</div></td>
                  <td>\(HTML.escape(fields.customerNumber))</td>
                  <td>\(HTML.escape(fields.email))</td>
                  <td>\(HTML.escape(fields.phone))</td>
                </tr>
                """
        }.joined(separator: "\n")
        let table = page.items.isEmpty
            ? HTML.empty(query == nil ? "No customers yet. Add your first customer to start collecting." : "No customer matches “\(query ?? "")”.")
            : """
              <table class="table">
                <thead><tr><th>Customer</th><th>Number</th><th>Email</th><th>Phone</th></tr></thead>
                <tbody>
              \(rows)
                </tbody>
              </table>
              """
        let body = """
            <div class="page-head">
              <div>
                <h1>Customers</h1>
                <p class="muted">\(page.total) customer\(page.total == 1 ? "" : "s")</p>
              </div>
              \(canAdd ? "<button class=\"button primary\" type=\"button\" data-open=\"add-customer\">+ Add Customer</button>" : "")
            </div>
            <form class="search" method="get" action="/customers" role="search">
              <input type="search" name="q" value="\(HTML.escape(query))" placeholder="Search name, company, number, email or phone" aria-label="Search customers">
              <button class="button" type="submit">Search</button>
            </form>
            <section class="card">
            \(table)
            </section>
            \(canAdd ? addCustomerDialog : "")
            """
        return HTML.page(title: "Customers", active: "customers", body: body)
    }

    static let addCustomerDialog = """
        <dialog id="add-customer" class="dialog">
          <form id="add-customer-form" class="form" novalidate>
            <h2>Add customer</h2>
            <label><span>Display name <span class="required">*</span></span>
              <input name="display_name" required autocomplete="off">
              <span class="field-error" data-error-for="display_name"></span></label>
            <div class="grid-2">
              <label>Company <input name="company"></label>
              <label>Customer number <input name="customer_number" placeholder="e.g. claim no."></label>
              <label>Email <input name="email" type="email">
                <span class="field-error" data-error-for="email"></span></label>
              <label>Phone <input name="phone"></label>
              <label>Payment terms (net days) <input name="payment_terms_days" type="number" min="0" max="365" value="30"></label>
              <label>Currency <input name="currency" value="USD" maxlength="3"></label>
            </div>
            <p class="form-error" role="alert"></p>
            <div class="actions">
              <button class="button" type="button" data-close="add-customer">Cancel</button>
              <button class="button primary" type="submit">Save customer</button>
            </div>
          </form>
        </dialog>
        """
}

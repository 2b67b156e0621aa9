import Contracts
import Foundation

/// The rules an invoice's fields obey; every refusal names its field and changes nothing.
enum InvoiceRules {
    /// The most lines one invoice may have.
    static let maximumLines = 500
    /// The members `PATCH /invoices/{id}` may name besides `lines`.
    static let editable: Set<String> = ["number", "issue_date", "due_date", "po_number", "memo", "contact_id", "state"]

    /// A number someone typed: trimmed, not blank, at most 64 characters, no control characters.
    static func number(_ text: String) throws(ErrorBody) -> String {
        try TextLimit.check(text, TextLimit.invoiceNumber, field: "number")
        guard let number = text.trimmedOrNil else { throw .invalidArgument("number cannot be blank", field: "number") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidArgument("number cannot hold control characters", field: "number")
        }
        return number
    }

    /// The lines in stored form, checked: 1 to 500, each with a description, a quantity
    /// above 0 with at most three decimals, a unit price and a rate from 0 to 100 %.
    static func lines(_ inputs: [InvoiceLineInput]) throws(ErrorBody) -> [InvoiceArithmetic.Line] {
        guard !inputs.isEmpty else { throw .invalidArgument("an invoice has at least one line", field: "lines") }
        guard inputs.count <= maximumLines else {
            throw .invalidArgument("an invoice has at most \(maximumLines) lines", field: "lines")
        }
        var lines: [InvoiceArithmetic.Line] = []
        for (index, input) in inputs.enumerated() {
            let field = "lines[\(index)]"
            try TextLimit.check(input.description, TextLimit.lineDescription, field: "\(field).description")
            guard input.description.trimmedOrNil != nil else {
                throw .invalidArgument("\(field).description is required", field: "\(field).description")
            }
            lines.append(InvoiceArithmetic.Line(
                quantityThousandths: try InvoiceArithmetic.thousandths(input.quantity, field: "\(field).quantity"),
                unitPriceCents: input.unitPriceCents, taxRateBasisPoints: input.taxRateBps ?? 0))
        }
        return lines
    }

    /// The lines with what each comes to, and the invoice's sums, under the rounding rule.
    static func priced(_ inputs: [InvoiceLineInput], _ lines: [InvoiceArithmetic.Line])
        throws(ErrorBody) -> (lines: [InvoiceLine], amounts: InvoiceArithmetic.Amounts) {
        let amounts = try InvoiceArithmetic.amounts(lines)
        let priced = inputs.indices.map { index in
            InvoiceLine(description: inputs[index].description.trimmed, quantity: Decimal(lines[index].quantityThousandths) / 1_000,
                        unitPriceCents: lines[index].unitPriceCents, taxRateBps: lines[index].taxRateBasisPoints,
                        totalCents: amounts.lineTotals[index], taxCents: amounts.lineTaxes[index])
        }
        return (priced, amounts)
    }

    /// A due date on or after the issue date, within the calendar dates are written in.
    static func checkDates(issue: BusinessDate, due: BusinessDate) throws(ErrorBody) {
        guard due >= issue else { throw .unprocessable("due_date is before issue_date", field: "due_date") }
        guard due.year <= 9999 else { throw .unprocessable("due_date would be after 9999-12-31", field: "due_date") }
    }

    /// `invoice` with the scalar `changes` (API names) applied; the lines are the caller's.
    /// The `state` member may only issue a draft (`"open"`).
    static func apply(_ changes: [String: JSONValue], to current: Invoice) throws(ErrorBody) -> Invoice {
        for name in changes.keys.sorted() where !editable.contains(name) {
            throw .invalidArgument("\(name) is not an invoice field that can be changed here", field: name)
        }
        var invoice = current
        for (member, value) in changes.sorted(by: { $0.key < $1.key }) {
            switch (member, value) {
            case ("number", .string(let text)): invoice.number = try number(text)
            case ("issue_date", .string(let text)):
                guard let date = BusinessDate(text) else { throw .invalidArgument("issue_date is a date (YYYY-MM-DD)", field: member) }
                invoice.issueDate = date
            case ("due_date", .string(let text)):
                guard let date = BusinessDate(text) else { throw .invalidArgument("due_date is a date (YYYY-MM-DD)", field: member) }
                invoice.dueDate = date
            case ("po_number", .null): invoice.poNumber = nil
            case ("po_number", .string(let text)):
                invoice.poNumber = try TextLimit.trimmed(text, TextLimit.invoiceNumber, field: member)
            case ("memo", .null): invoice.memo = nil
            case ("memo", .string(let text)): invoice.memo = try TextLimit.trimmed(text, TextLimit.notes, field: member)
            case ("contact_id", .null): invoice.contactId = nil
            case ("contact_id", .string(let text)):
                guard let id = ContactID(text) else { throw .invalidArgument("contact_id is not a contact id", field: member) }
                invoice.contactId = id
            case ("state", .string("open")):
                guard current.state == .draft || current.state == .open else {
                    throw .unprocessable("only a draft can be issued; this invoice is \(current.state.rawValue)", field: member)
                }
                invoice.state = .open
            case ("state", .string):
                throw .invalidArgument("state can only be set to open (issuing a draft); void with POST /invoices/{id}/void", field: member)
            case (_, .null): throw .invalidArgument("\(member) cannot be cleared", field: member)
            default: throw .invalidArgument("\(member) has the wrong type or form", field: member)
            }
        }
        try checkDates(issue: invoice.issueDate, due: invoice.dueDate)
        return invoice
    }

    /// The fields that differ, in the API's order, for `invoice.updated` (changed lines as
    /// their counts; the totals travel typed in the event).
    static func changes(from old: Invoice, to new: Invoice) -> [FieldChange] {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        var changes: [FieldChange] = []
        func note(_ field: String, _ before: JSONValue, _ after: JSONValue) {
            if before != after { changes.append(FieldChange(field: field, old: before, new: after)) }
        }
        note("number", .string(old.number), .string(new.number))
        note("issue_date", .string(old.issueDate.description), .string(new.issueDate.description))
        note("due_date", .string(old.dueDate.description), .string(new.dueDate.description))
        note("po_number", text(old.poNumber), text(new.poNumber))
        note("memo", text(old.memo), text(new.memo))
        note("contact_id", text(old.contactId?.description), text(new.contactId?.description))
        note("state", .string(old.state.rawValue), .string(new.state.rawValue))
        if old.lines != new.lines {
            changes.append(FieldChange(field: "lines", old: .number(Double(old.lines.count)), new: .number(Double(new.lines.count))))
        }
        return changes
    }
}

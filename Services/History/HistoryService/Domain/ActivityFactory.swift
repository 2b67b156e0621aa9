import Contracts
import Foundation

/// Turns other services' events into timeline entries.
enum ActivityFactory {
    static func customerCreated(_ event: CustomerCreated, envelope: Envelope) -> Activity {
        let customer = event.customer
        let who = envelope.actor?.name.map { " by \($0)" } ?? ""
        return Activity(id: ActivityID(), customerId: customer.id, category: "customer", type: CustomerMessages.created.type,
                        summary: "Customer \(customer.fields.displayName) created\(who)",
                        occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    /// "Dana Reyes updated phone from nothing to +1 555 0100; notes from “Pays on Fridays” to nothing".
    static func customerUpdated(_ event: CustomerUpdated, envelope: Envelope) -> Activity {
        Activity(id: ActivityID(), customerId: event.customer.id, category: "customer", type: CustomerMessages.updated.type,
                 summary: "\(who(envelope)) updated \(described(event.changes))",
                 occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    /// "Dana Reyes added billing contact Pat Payer", "… updated contact Pat Payer: email from …",
    /// "… deactivated contact Pat Payer", "… reactivated contact Pat Payer".
    static func contactChanged(_ event: ContactChanged, envelope: Envelope) -> Activity {
        let contact = event.contact
        let what: String
        switch envelope.type {
        case ContactMessages.created.type: what = "added \(contact.role.rawValue) contact \(contact.fullName)"
        case ContactMessages.updated.type: what = "updated contact \(contact.fullName): \(described(event.changes))"
        case ContactMessages.deactivated.type: what = "deactivated contact \(contact.fullName)"
        default: what = "reactivated contact \(contact.fullName)"
        }
        return Activity(id: ActivityID(), customerId: contact.customerId, category: "contact", type: envelope.type,
                        summary: "\(who(envelope)) \(what)", occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    /// "Dana Reyes merged contacts Pat P. and P. Payer into Pat Payer (email from … to …)".
    static func contactsMerged(_ event: ContactsMerged, envelope: Envelope) -> Activity {
        let names = event.mergedNames
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "") : names.joined()
        let changes = event.changes.isEmpty ? "" : " (\(described(event.changes)))"
        return Activity(id: ActivityID(), customerId: event.customerId, category: "contact", type: ContactMessages.merged.type,
                        summary: "\(who(envelope)) merged contact\(names.count == 1 ? "" : "s") \(list) into \(event.contact.fullName)\(changes)",
                        occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    /// "Dana Reyes assigned AR specialist Sam Lee (was Pat Kim)".
    static func specialistAssigned(_ event: SpecialistAssigned, envelope: Envelope) -> Activity {
        let name = { (reference: SpecialistReference) in reference.name ?? "a user not known yet" }
        let was = event.from.map { " (was \(name($0)))" } ?? ""
        return Activity(id: ActivityID(), customerId: event.customerId, category: "customer", type: SpecialistMessages.assigned.type,
                        summary: "\(who(envelope)) assigned AR specialist \(name(event.to))\(was)",
                        occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    /// "Dana Reyes uploaded document contract.pdf (180 KB)", "… deleted document contract.pdf".
    static func documentChanged(_ event: DocumentChanged, envelope: Envelope) -> Activity {
        let document = event.document
        let uploaded = envelope.type == DocumentMessages.uploaded.type
        let size = document.sizeBytes < 1_024 ? "\(document.sizeBytes) bytes" : "\((document.sizeBytes + 512) / 1_024) KB"
        return Activity(id: ActivityID(), customerId: document.customerId, category: "document", type: envelope.type,
                        summary: "\(who(envelope)) \(uploaded ? "uploaded" : "deleted") document \(document.filename)"
                            + (uploaded ? " (\(size))" : ""),
                        occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    /// "Dana Reyes recorded a payment of $150.00 by check 1042"; from the portal, "Paid via
    /// portal: $104.10 by Visa ending 4242, sbx_ch_… (convenience fee $3.12)".
    static func paymentRecorded(_ event: PaymentRecorded, envelope: Envelope) -> Activity {
        let payment = event.payment
        let reference = payment.reference.map { " \($0)" } ?? ""
        let amount = payment.currency.format(payment.amountCents)
        let summary = switch payment.source {
        case .portal:
            "Paid via portal: \(amount) by \(payment.reference ?? payment.method)"
                + (payment.feeCents > 0 ? " (convenience fee \(payment.currency.format(payment.feeCents)))" : "")
        case .staff: "\(who(envelope)) recorded a payment of \(amount) by \(payment.method)\(reference)"
        }
        return Activity(id: ActivityID(), customerId: payment.customerId, category: "payment", type: PaymentsMessages.recorded.type,
                        summary: summary, occurredAt: envelope.sentAt, actor: envelope.actor,
                        links: ActivityLinks(invoiceId: payment.applications.first?.invoiceId, paymentId: payment.id))
    }

    /// "Dana Reyes recorded a promise to pay $500.00 by 2026-12-15 on INV-000012: “Check in the mail”",
    /// "Promise to pay $500.00 by 2026-12-15 on INV-000012 kept", "… broken ($200.00 paid); a follow-up task is due today",
    /// "Dana Reyes cancelled the promise to pay …".
    static func promiseChanged(_ event: PromiseChanged, envelope: Envelope) -> Activity {
        let promise = event.promise
        let what = "promise to pay \(promise.currency.format(promise.amountCents)) by \(promise.promisedOn)"
            + (promise.invoiceNumbers.isEmpty ? "" : " on \(promise.invoiceNumbers.joined(separator: ", "))")
        let paid = promise.paidCents > 0 ? " (\(promise.currency.format(promise.paidCents)) paid)" : " (nothing paid)"
        let summary: String
        switch envelope.type {
        case PaymentsMessages.promiseRecorded.type:
            let note = promise.note.map { ": “\($0)”" } ?? ""
            summary = promise.source == .portal ? "Customer made a \(what) via portal\(note)" : "\(who(envelope)) recorded a \(what)\(note)"
        case PaymentsMessages.promiseKept.type: summary = "Kept the \(what)"
        case PaymentsMessages.promiseBroken.type: summary = "Broke the \(what)\(paid); a follow-up task was created"
        default: summary = "\(who(envelope)) cancelled the \(what)"
        }
        return Activity(id: ActivityID(), customerId: promise.customerId, category: "promise", type: envelope.type,
                        summary: summary, occurredAt: envelope.sentAt, actor: envelope.actor,
                        links: ActivityLinks(invoiceId: promise.invoiceIds.first, contactId: promise.contactId, promiseId: promise.id))
    }

    /// The follow-up a broken promise asks for: the specialist's (or, without one, whoever recorded it).
    static func brokenPromiseTask(_ promise: PromiseToPay, createdBy: Actor?, at: Date) -> TaskRecord {
        let invoices = promise.invoiceNumbers.isEmpty ? "" : " on \(promise.invoiceNumbers.joined(separator: ", "))"
        return TaskRecord(id: TaskID(), customerId: promise.customerId, assigneeId: promise.specialistId ?? promise.recordedBy?.userId,
                          title: "Follow up the broken promise to pay \(promise.currency.format(promise.amountCents)) "
                              + "by \(promise.promisedOn)\(invoices)",
                          dueOn: promise.resolvedOn ?? promise.promisedOn, contactId: promise.contactId,
                          invoiceId: promise.invoiceIds.first, promiseId: promise.id, state: .open, createdBy: createdBy,
                          createdAt: at, completedAt: nil, completedBy: nil)
    }

    /// "Dana Reyes created the payment link (expires 2026-12-31)", "… revoked the payment link".
    static func paymentLinkChanged(_ event: PaymentLinkChanged, envelope: Envelope) -> Activity {
        let expiry = event.expiresOn.map { " (expires \($0))" } ?? ""
        let what = switch event.change {
        case .created: "created the payment link\(expiry)"
        case .expiryChanged: "changed the payment link's expiry to \(event.expiresOn.map { "\($0)" } ?? "never")"
        case .revoked: "revoked the payment link; its URL no longer opens the portal"
        }
        return Activity(id: ActivityID(), customerId: event.customerId, category: "payment", type: PaymentsMessages.linkChanged.type,
                        summary: "\(who(envelope)) \(what)", occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    /// "Dana Reyes applied $104.10 to INV-000001".
    static func paymentApplied(_ event: PaymentApplied, envelope: Envelope) -> Activity {
        Activity(id: ActivityID(), customerId: event.customerId, category: "payment", type: PaymentsMessages.applied.type,
                 summary: "\(who(envelope)) applied \(event.currency.format(event.amountCents)) to \(event.invoiceNumber)",
                 occurredAt: envelope.sentAt, actor: envelope.actor,
                 links: ActivityLinks(invoiceId: event.invoiceId, paymentId: event.paymentId))
    }

    /// "Dana Reyes took $40.00 back from INV-000002", "… (the invoice was voided)".
    static func paymentUnapplied(_ event: PaymentUnapplied, envelope: Envelope) -> Activity {
        let why: String
        switch event.reason {
        case .unapplied: why = ""
        case .invoiceVoided: why = " (the invoice was voided)"
        case .invoiceReduced: why = " (the invoice's total was lowered)"
        }
        return Activity(id: ActivityID(), customerId: event.customerId, category: "payment", type: PaymentsMessages.unapplied.type,
                        summary: "\(who(envelope)) took \(event.currency.format(event.amountCents)) back from \(event.invoiceNumber)\(why); "
                            + "it is unapplied credit again",
                        occurredAt: envelope.sentAt, actor: envelope.actor,
                        links: ActivityLinks(invoiceId: event.invoiceId, paymentId: event.paymentId))
    }

    /// "Dana Reyes refunded $20.00: Overpaid".
    static func paymentRefunded(_ event: PaymentRefunded, envelope: Envelope) -> Activity {
        Activity(id: ActivityID(), customerId: event.customerId, category: "payment", type: PaymentsMessages.refunded.type,
                 summary: "\(who(envelope)) refunded \(event.currency.format(event.amountCents)): \(event.reason)",
                 occurredAt: envelope.sentAt, actor: envelope.actor, links: ActivityLinks(paymentId: event.paymentId))
    }

    // MARK: Invoices

    /// "Dana Reyes created invoice INV-000123 for $104.10, due 2026-12-31" (a draft: "… a draft invoice …").
    static func invoiceCreated(_ event: InvoiceCreated, envelope: Envelope) -> Activity {
        let invoice = event.invoice
        let draft = invoice.state == .draft ? "a draft invoice" : "invoice"
        return invoiceActivity(invoice, envelope, "\(who(envelope)) created \(draft) \(invoice.number) for "
                               + "\(invoice.currency.format(invoice.totalCents)), due \(invoice.dueDate)")
    }

    /// "Dana Reyes updated invoice INV-000123: memo from nothing to “Thanks”; lines from 1 to 2".
    static func invoiceUpdated(_ event: InvoiceUpdated, envelope: Envelope) -> Activity {
        let changes = event.changes.isEmpty ? "" : ": \(described(event.changes))"
        return invoiceActivity(event.invoice, envelope, "\(who(envelope)) updated invoice \(event.invoice.number)\(changes)")
    }

    /// "Dana Reyes voided invoice INV-000123 ($104.10): Billed twice".
    static func invoiceVoided(_ event: InvoiceVoided, envelope: Envelope) -> Activity {
        let invoice = event.invoice
        return invoiceActivity(invoice, envelope, "\(who(envelope)) voided invoice \(invoice.number) "
                               + "(\(invoice.currency.format(invoice.totalCents)))" + (event.reason.map { ": \($0)" } ?? ""))
    }

    /// "Invoice INV-000123 is paid in full ($104.10)".
    static func invoicePaid(_ event: InvoicePaid, envelope: Envelope) -> Activity {
        let invoice = event.invoice
        return invoiceActivity(invoice, envelope, "Invoice \(invoice.number) is paid in full (\(invoice.currency.format(invoice.totalCents)))")
    }

    private static func invoiceActivity(_ invoice: Invoice, _ envelope: Envelope, _ summary: String) -> Activity {
        Activity(id: ActivityID(), customerId: invoice.customerId, category: "invoice", type: envelope.type, summary: summary,
                 occurredAt: envelope.sentAt, actor: envelope.actor,
                 links: ActivityLinks(invoiceId: invoice.id, contactId: invoice.contactId))
    }

    /// "Dana Reyes moved INV-000123 from Reminder sent to Disputed" (or from/to none).
    static func collectionStatusChanged(_ event: InvoiceCollectionStatusChanged, envelope: Envelope) -> Activity {
        let name = { (status: CollectionStatusRef?) in status?.name ?? "no collection status" }
        return Activity(id: ActivityID(), customerId: event.customerId, category: "status", type: envelope.type,
                        summary: "\(event.actor?.name ?? who(envelope)) moved \(event.number) from \(name(event.from)) to \(name(event.to))",
                        occurredAt: envelope.sentAt, actor: event.actor ?? envelope.actor, links: ActivityLinks(invoiceId: event.invoiceId))
    }

    /// "Dana Reyes changed how the customer pays: card allowed, ACH not, autopay off" (or "… back to the business defaults").
    static func paymentSettingsChanged(_ event: PaymentSettingsChanged, customer: CustomerID, envelope: Envelope) -> Activity {
        let settings = event.settings
        let how = settings.isCustomerSpecific
            ? "card \(settings.cardAllowed ? "allowed" : "not allowed"), ACH \(settings.achAllowed ? "allowed" : "not allowed"), "
                + "autopay \(settings.autopay ? "on" : "off")"
            : "back to the business defaults"
        return Activity(id: ActivityID(), customerId: customer, category: "payment", type: envelope.type,
                        summary: "\(who(envelope)) changed the payment settings: \(how)", occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    // MARK: Notes and tasks

    /// A note's line: all of its text, on one line (the timeline and the export are where notes are read).
    static func noteSummary(_ body: String) -> String {
        body.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func note(_ note: NoteRecord) -> Activity {
        Activity(id: ActivityID(), customerId: note.customerId, category: "note", type: HistoryMessages.addNote.type,
                 summary: noteSummary(note.body), occurredAt: note.createdAt, actor: note.author,
                 links: ActivityLinks(invoiceId: note.invoiceId, contactId: note.contactId, noteId: note.id))
    }

    /// "Dana Reyes assigned “Call AP about INV-000123” to Sam Lee, due 2026-12-05"; "… completed …"; "… reopened …".
    static func task(_ task: TaskRecord, _ what: String, assignee: String?, actor: Actor?, at: Date) -> Activity {
        let to = what == "assigned" ? " to \(assignee ?? (task.assigneeId == nil ? "nobody yet" : "a user not known yet"))" : ""
        return Activity(id: ActivityID(), customerId: task.customerId, category: "task", type: "task.\(what)",
                        summary: "\(actor?.name ?? "Someone") \(what) task “\(task.title)”\(to), due \(task.dueOn)", occurredAt: at,
                        actor: actor, links: ActivityLinks(invoiceId: task.invoiceId, contactId: task.contactId,
                                                           promiseId: task.promiseId, taskId: task.id))
    }

    /// An event nothing maps, on its customer's timeline as it came: "payment.disputed (recorded as it came)".
    static func generic(_ type: String, customer: CustomerID, envelope: Envelope) -> Activity {
        Activity(id: ActivityID(), customerId: customer, category: "event", type: type,
                 summary: "\(who(envelope)): \(type) (recorded as it came)", occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    /// "phone from nothing to “+1 555 0100”; notes from “…” to nothing".
    private static func described(_ changes: [FieldChange]) -> String {
        changes.map { change in
            "\(change.field.replacingOccurrences(of: "_", with: " ")) from \(quoted(change.old)) to \(quoted(change.new))"
        }.joined(separator: "; ")
    }

    static func customerStateChanged(_ event: CustomerStateChanged, envelope: Envelope) -> Activity {
        let deactivated = event.customer.isDeactivated
        return Activity(id: ActivityID(), customerId: event.customer.id, category: "customer",
                        type: deactivated ? CustomerMessages.deactivated.type : CustomerMessages.reactivated.type,
                        summary: "\(who(envelope)) \(deactivated ? "deactivated" : "reactivated") the customer",
                        occurredAt: envelope.sentAt, actor: envelope.actor)
    }

    private static func who(_ envelope: Envelope) -> String { envelope.actor?.name ?? "Someone" }

    private static func quoted(_ value: JSONValue) -> String {
        value == .null ? "nothing" : "“\(value.readable)”"
    }
}

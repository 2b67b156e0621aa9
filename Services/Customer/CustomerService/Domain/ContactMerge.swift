import Contracts

/// Folding several contacts of one customer into a master (`POST /contacts/merge`): the
/// request's rules, and the master's fields after — each field from the contact the
/// request names, the master's own otherwise, and an opt-out kept when any of the
/// contacts had it unless the request names where to take it from.
enum ContactMerge {
    static let optOuts = ["email_opt_out", "sms_opt_out", "call_opt_out"]

    /// Refuses a request that cannot be carried out as asked, before anything is read: 400
    /// for what the API document rules out, 422 for rules across members.
    static func check(_ request: MergeContacts) throws(ErrorBody) {
        guard !request.mergeIds.isEmpty else {
            throw .invalidArgument("merge_ids names no contact to merge", field: "merge_ids")
        }
        guard request.mergeIds.count <= 50 else {
            throw .invalidArgument("at most 50 contacts are merged at once", field: "merge_ids")
        }
        guard Set(request.mergeIds).count == request.mergeIds.count else {
            throw .invalidArgument("merge_ids names a contact twice", field: "merge_ids")
        }
        guard !request.mergeIds.contains(request.masterId) else {
            throw .unprocessable("the master cannot be merged into itself", field: "merge_ids")
        }
        let involved = Set(request.mergeIds + [request.masterId])
        for (field, source) in request.fields.sorted(by: { $0.key < $1.key }) {
            guard ContactValidation.members.contains(field) else {
                throw .invalidArgument("\(field) is not a contact field", field: "fields.\(field)")
            }
            guard involved.contains(source) else {
                throw .unprocessable("fields.\(field) must name the master or one of merge_ids", field: "fields.\(field)")
            }
        }
    }

    /// The master's fields after the merge. `contacts` holds the master and every merged one.
    static func fields(master: ContactRecord, merged: [ContactRecord], choosing choices: [String: ContactID]) throws -> ContactFields {
        let patch = ContactValidation.patch
        let everyone = [master] + merged
        var values = try patch.values(of: master.fields)
        for name in optOuts where choices[name] == nil {
            values[name] = .bool(everyone.contains { (try? patch.values(of: $0.fields)[name]) == .bool(true) })
        }
        for (name, source) in choices {
            guard let contact = everyone.first(where: { $0.id == source }) else { continue }
            values[name] = try patch.values(of: contact.fields)[name]
        }
        return try ContactValidation.normalised(try patch.fields(from: values))
    }
}

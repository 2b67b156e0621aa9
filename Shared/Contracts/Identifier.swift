import Foundation

/// A typed UUID identifier: `Identifier<CustomerTag>` cannot be passed where an invoice id
/// is expected. Encoded as a lower-case UUID string, as the API promises.
public struct Identifier<Tag>: Hashable, Sendable, Codable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID = UUID()) { self.uuid = uuid }

    /// Parses a UUID string in any case.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.uuid = uuid
    }

    public var description: String { uuid.uuidString.lowercased() }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let uuid = UUID(uuidString: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "expected a UUID, got \"\(text)\""))
        }
        self.uuid = uuid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public enum MessageTag {}
public enum UserTag {}
public enum CustomerTag {}
public enum ContactTag {}
public enum InvoiceTag {}
public enum PaymentTag {}

public typealias MessageID = Identifier<MessageTag>
public typealias UserID = Identifier<UserTag>
public typealias CustomerID = Identifier<CustomerTag>
public typealias ContactID = Identifier<ContactTag>
public typealias InvoiceID = Identifier<InvoiceTag>
public typealias PaymentID = Identifier<PaymentTag>

public enum ActivityTag {}
public enum TaskTag {}
public enum DocumentTag {}
public enum PromiseTag {}
public enum WorkflowTag {}
public enum WorkflowAssignmentTag {}
public enum CollectionStatusTag {}
public enum APITokenTag {}

public typealias ActivityID = Identifier<ActivityTag>
public typealias TaskID = Identifier<TaskTag>
public typealias DocumentID = Identifier<DocumentTag>
public typealias PromiseID = Identifier<PromiseTag>
public typealias WorkflowID = Identifier<WorkflowTag>
public typealias WorkflowAssignmentID = Identifier<WorkflowAssignmentTag>
public typealias CollectionStatusID = Identifier<CollectionStatusTag>
public typealias APITokenID = Identifier<APITokenTag>

public enum PaymentApplicationTag {}
public enum RefundTag {}

public typealias PaymentApplicationID = Identifier<PaymentApplicationTag>
public typealias RefundID = Identifier<RefundTag>

public enum NoteTag {}
public typealias NoteID = Identifier<NoteTag>

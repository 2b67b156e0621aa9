import Contracts
import Foundation
import Messaging

/// Payment settings (a customer's own, or the business defaults it falls back to) and
/// payment methods (the built-ins and the business's own).
enum SettingsHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.query(PaymentsMessages.settings) { request, context in
            guard let customer = request.customerId else { return try SettingsStore(connection: context.connection).defaults() }
            return try PaymentsStore(connection: context.connection).settings(of: customer)
        }
        registry.command(PaymentsMessages.updateSettings) { request, context in
            let store = SettingsStore(connection: context.connection)
            try request.settings?.check()
            switch (request.customerId, request.settings) {
            case (nil, nil):
                throw ErrorBody.invalidArgument("the business defaults cannot be removed", field: "settings")
            case (nil, let fields?):
                try store.saveDefaults(fields)
            case (let customer?, let fields?):
                try store.save(fields, for: customer)
            case (let customer?, nil):
                guard try store.remove(for: customer) else {
                    return try PaymentsStore(connection: context.connection).settings(of: customer)
                }
            }
            let settings = try request.customerId.map { try PaymentsStore(connection: context.connection).settings(of: $0) }
                ?? store.defaults()
            try context.publish(PaymentsMessages.settingsChanged, PaymentSettingsChanged(customerId: request.customerId, settings: settings))
            return settings
        }
        registry.query(PaymentsMessages.methods) { _, context in
            PaymentMethodList(items: try SettingsStore(connection: context.connection).methods())
        }
        registry.command(PaymentsMessages.createMethod) { request, context in
            let store = SettingsStore(connection: context.connection)
            let name = try SettingsRules.methodName(request.name)
            let method = PaymentMethod(code: try SettingsRules.code(for: name), name: name, isBuiltin: false, active: true)
            guard try !store.methodTaken(code: method.code, name: name, except: nil) else {
                throw ErrorBody(.conflict, "a payment method named \(name) (or coded \(method.code)) exists", details: ["name": "already exists"])
            }
            try store.insert(method)
            try context.publish(PaymentsMessages.methodChanged, method)
            return method
        }
        registry.command(PaymentsMessages.updateMethod) { request, context in
            let store = SettingsStore(connection: context.connection)
            guard var method = try store.method(request.code, lock: true) else {
                throw ErrorBody.notFound("payment method \(request.code) does not exist")
            }
            let before = method
            if let name = request.name {
                method.name = try SettingsRules.methodName(name)
                guard try !store.methodTaken(code: "", name: method.name, except: method.code) else {
                    throw ErrorBody(.conflict, "a payment method named \(method.name) exists", details: ["name": "already exists"])
                }
            }
            if let active = request.active { method.active = active }
            guard method != before else { return method }
            try store.update(method)
            try context.publish(PaymentsMessages.methodChanged, method)
            return method
        }
    }
}

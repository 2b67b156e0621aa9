import Contracts
import Foundation

/// Small helpers for server-rendered HTML: every value from data goes through `escape`.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func escape(_ text: String?) -> String { text.map(escape) ?? "" }

    /// `1234567` USD → `$12,345.67`; other currencies carry their code.
    static func money(_ cents: Int64, _ currency: Currency) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        var whole = String(magnitude / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let fraction = magnitude % 100
        let amount = "\(whole)\(grouped).\(fraction < 10 ? "0" : "")\(fraction)"
        return currency == .usd ? "\(sign)$\(amount)" : "\(sign)\(amount) \(currency.code)"
    }

    static func date(_ date: Date) -> String {
        let text = RFC3339.string(from: date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " UTC"
    }

    /// The page frame: head, top bar, content.
    static func page(title: String, active: String, body: String, signedIn: Bool = true) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>\(escape(title)) · Ledgerline AR</title>
          <link rel="stylesheet" href="/assets/app.css">
          <script src="/assets/app.js" defer></script>
        </head>
        <body>
          <header class="topbar">
            <a class="brand" href="/customers"><span class="brand-mark">L</span> Ledgerline <span class="brand-sub">AR</span></a>
            \(signedIn ? navigation(active) : "")
          </header>
          <main class="content">
        \(body)
          </main>
        </body>
        </html>
        """
    }

    private static func navigation(_ active: String) -> String {
        """
        <nav>
          <a href="/customers" class="\(active == "customers" ? "active" : "")">Customers</a>
        </nav>
        <form class="signout" method="post" action="/logout"><button class="link" type="submit" data-testid="sign-out">Sign out</button></form>
        """
    }

    /// An honest empty state for a section with nothing yet.
    static func empty(_ text: String) -> String { "<p class=\"empty\">\(escape(text))</p>" }

    /// A notice for a section whose service did not answer.
    static func unavailable(_ section: String) -> String {
        "<p class=\"unavailable\" role=\"status\">\(escape(section)) are temporarily unavailable. The rest of the page is current.</p>"
    }
}

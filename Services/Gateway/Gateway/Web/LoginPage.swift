/// The sign-in page.
enum LoginPage {
    static func render(next: String, error: String? = nil, email: String = "") -> String {
        let body = """
            <div class="login">
              <form class="card form login-card" method="post" action="/login">
                <h1>Sign in</h1>
                <p class="muted">Ledgerline AR — collections for your team.</p>
                \(error.map { "<p class=\"form-error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? "")
                <input type="hidden" name="next" value="\(HTML.escape(next))">
                <label>Email <input name="email" type="email" autocomplete="username" value="\(HTML.escape(email))" required autofocus></label>
                <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
                <label><span>One-time code <span class="muted">(if you turned it on)</span></span>
                  <input name="totp_code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*"></label>
                <div class="actions"><button class="button primary" type="submit">Sign in</button></div>
              </form>
            </div>
            """
        return HTML.page(title: "Sign in", active: "", body: body, signedIn: false)
    }
}

// The payment portal: choose invoices, see the fee before paying, pay by card or ACH,
// or promise a date. Every figure comes from the server (the quote), never worked out here.
(function () {
  "use strict";
  var main = document.querySelector("[data-portal]");
  if (!main) return;
  var token = main.getAttribute("data-portal");
  var base = "/api/v1/portal/" + token;
  var form = document.querySelector("[data-portal-form]");
  var promiseForm = document.querySelector("[data-portal-promise]");
  var digits = Number(main.getAttribute("data-minor-digits") || "2");

  function chosen() {
    return Array.prototype.filter.call(document.querySelectorAll("input[name=invoice_ids]"), function (box) { return box.checked; })
      .map(function (box) { return box.value; });
  }
  function method() {
    var picked = document.querySelector("input[name=method]:checked");
    return picked ? picked.value : null;
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  // `key`: the same one for every try of one payment, so a retry after a lost answer never pays twice.
  function send(httpMethod, url, body, key) {
    var headers = { "Content-Type": "application/json", "Idempotency-Key": key || newKey() };
    return fetch(url, { method: httpMethod, headers: headers, body: body ? JSON.stringify(body) : undefined }).then(function (response) {
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (ignored) { json = null; }
        return { ok: response.ok, status: response.status, json: json };
      });
    });
  }
  function message(result) {
    return (result.json && result.json.error && result.json.error.message) || "That did not work (" + result.status + ").";
  }

  // The fee shown is the server's quote for exactly what is chosen (asked once the choosing pauses).
  var asked = 0;
  var shownTotal = null;
  var pending = null;
  function requote() {
    if (pending) clearTimeout(pending);
    pending = setTimeout(quote, 250);
  }
  function quote() {
    var box = form && form.querySelector("[data-quote]");
    if (!box) return;
    var ids = chosen();
    shownTotal = null;
    if (!ids.length || !method()) { box.hidden = true; return; }
    var mine = ++asked;
    send("GET", base + "/quote?method=" + method() + "&invoice_ids=" + ids.join(",")).then(function (result) {
      if (mine !== asked) return;
      if (!result.ok) { box.hidden = true; form.querySelector("[data-portal-result]").textContent = message(result); return; }
      box.querySelector("[data-quote-amount]").textContent = result.json.amount;
      var fee = box.querySelector("[data-quote-fee]");
      fee.textContent = result.json.fee;
      fee.setAttribute("data-fee-cents", String(result.json.fee_cents));
      box.querySelector("[data-quote-total]").textContent = result.json.total;
      shownTotal = result.json.total_cents;
      box.hidden = false;
    });
  }

  function details() {
    var value = function (name) { var field = form.elements[name]; return field ? String(field.value).trim() : ""; };
    if (method() === "ach") {
      return { routing_number: value("routing_number"), account_number: value("account_number"),
               account_type: value("account_type"), name: value("ach_name") };
    }
    return { card_number: value("card_number"), exp_month: Number(value("exp_month")), exp_year: Number(value("exp_year")),
             cvc: value("cvc"), name: value("card_name") };
  }

  if (form) {
    form.addEventListener("change", function (event) {
      if (event.target.name === "method") {
        form.querySelectorAll("[data-details]").forEach(function (part) { part.hidden = part.getAttribute("data-details") !== method(); });
      }
      if (event.target.name === "method" || event.target.name === "invoice_ids") { attempt = null; requote(); }
    });
    var attempt = null;  // this payment's Idempotency-Key, kept until it is answered
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var result = form.querySelector("[data-portal-result]");
      var ids = chosen();
      if (!ids.length) { result.textContent = "Choose the invoices to pay."; return; }
      if (shownTotal === null) { result.textContent = "One moment: the total is being worked out."; quote(); return; }
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      result.textContent = "Paying…";
      attempt = attempt || newKey();
      send("POST", base + "/payments", { invoice_ids: ids, method: method(), payment_details: details(), expected_total_cents: shownTotal },
           attempt).then(function (answer) {
        button.disabled = false;
        attempt = null;  // answered: a next try is a new payment
        if (!answer.ok) { result.textContent = message(answer); if (answer.status === 422) quote(); return; }
        var paid = answer.json;
        result.setAttribute("data-payment-id", paid.id);
        result.setAttribute("data-fee-cents", String(paid.fee_cents));
        result.textContent = "Thank you: your payment was received (" + paid.reference + ").";
        ids.forEach(function (id) {
          var row = document.querySelector('[data-invoice-row="' + id + '"]');
          if (row) row.remove();
        });
        form.querySelector("[data-quote]").hidden = true;
        ["card_number", "cvc", "account_number"].forEach(function (name) { if (form.elements[name]) form.elements[name].value = ""; });
      }).catch(function () {
        button.disabled = false;  // the same key again: if it was paid, the retry says so and charges nothing more
        result.textContent = "The answer did not arrive; your payment may or may not have gone through. Press Pay now again to find out: it will not be charged twice.";
      });
    });
  }

  if (promiseForm) {
    promiseForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var result = promiseForm.querySelector("[data-promise-result]");
      var ids = chosen();
      if (!ids.length) { result.textContent = "Choose the invoices above first."; return; }
      var amount = window.Ledgerline ? window.Ledgerline.scaled(promiseForm.elements.amount.value, digits) : null;
      if (amount === null || amount <= 0n) { result.textContent = "The amount is a number like 250.00."; return; }
      var body = { invoice_ids: ids, amount_cents: Number(amount), promised_on: promiseForm.elements.promised_on.value };
      var note = promiseForm.elements.note.value.trim();
      if (note) body.note = note;
      send("POST", base + "/promises", body).then(function (answer) {
        result.textContent = answer.ok ? "Thank you: we have noted your promise to pay by " + answer.json.promised_on + "." : message(answer);
      }).catch(function () { result.textContent = "The server could not be reached. Nothing was saved."; });
    });
  }
})();

// Ledgerline AR: the little behaviour the server-rendered pages need. Every change goes
// through the same HTTP API as any client; the page reloads to show the result.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open"));
      if (dialog) {
        dialog.querySelectorAll("[data-today]").forEach(function (input) { if (!input.value) input.value = localDate(); });
        dialog.showModal();
        var first = dialog.querySelector("input:not([type=hidden]), select");
        if (first) first.focus();
      }
    }
    var closer = event.target.closest("[data-close]");
    if (closer) {
      var toClose = document.getElementById(closer.getAttribute("data-close"));
      if (toClose) toClose.close();
    }
    var poster = event.target.closest("[data-post], [data-delete]");
    if (poster) act(poster);
    var tab = event.target.closest("[data-history-tab]");
    if (tab) historyTab(tab);
    var more = event.target.closest("[data-history-more]");
    if (more) historyPage(more.closest("[data-history]"), false);
    var copier = event.target.closest("[data-copy-link]");
    if (copier) copyLink(copier);
    var adder = event.target.closest("[data-add-line]");
    if (adder) addLine(adder.form);
    var remover = event.target.closest("[data-remove-line]");
    if (remover) removeLine(remover);
  });

  // A checkbox with data-toggles hides the element it names while checked ("same as billing").
  document.addEventListener("change", function (event) {
    var target = event.target.getAttribute && event.target.getAttribute("data-toggles");
    if (target) { var element = document.getElementById(target); if (element) element.hidden = event.target.checked; }
    // A select that saves itself when chosen (an invoice's collection status).
    if (event.target.hasAttribute && event.target.hasAttribute("data-autosubmit")) sendForm(event.target.form);
  });

  // The Create Invoice dialog's totals follow every keystroke; so does Take Payment's split.
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-invoice]");
    if (form) invoiceTotals(form);
    var payment = event.target.closest && event.target.closest("form[data-take-payment]");
    if (payment) {
      if (event.target.hasAttribute("data-payment-amount")) splitOldestFirst(payment);
      unappliedNote(payment);
    }
  });

  function digitsOf(form) { return Number(form.getAttribute("data-minor-digits") || "2"); }

  // An amount as typed ("1,250.00") in minor units, exactly; as text without a symbol.
  function plain(minor, digits) {
    var negative = minor < 0n;
    var text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
    var whole = text.slice(0, text.length - digits);
    return (negative ? "-" : "") + (digits > 0 ? whole + "." + text.slice(text.length - digits) : whole);
  }

  // Take payment: the amount goes to the open invoices oldest due first (the order shown),
  // each at most its balance; a person may change any line afterwards.
  function splitOldestFirst(form) {
    var digits = digitsOf(form);
    var remaining = scaled(form.querySelector("[data-payment-amount]").value, digits);
    form.querySelectorAll("[data-apply-row]").forEach(function (row) {
      var input = row.querySelector("[data-apply]");
      if (remaining === null || remaining <= 0n) { input.value = ""; return; }
      var balance = BigInt(row.getAttribute("data-balance"));
      var share = remaining < balance ? remaining : balance;
      input.value = plain(share, digits);
      remaining -= share;
    });
  }

  function unappliedNote(form) {
    var digits = digitsOf(form);
    var note = form.querySelector("[data-unapplied-note]");
    var amount = scaled(form.querySelector("[data-payment-amount]").value, digits);
    if (!note || amount === null) { if (note) note.textContent = ""; return; }
    var applied = 0n;
    form.querySelectorAll("[data-apply]").forEach(function (input) { var v = scaled(input.value || "0", digits); if (v !== null) applied += v; });
    note.textContent = "Unapplied credit after this payment: " + money(amount - applied, form);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-api")) { event.preventDefault(); sendForm(form); }
    if (form.hasAttribute("data-upload")) { event.preventDefault(); upload(form); }
    if (form.hasAttribute("data-get")) { event.preventDefault(); openWithQuery(form); }
  });

  function localDate() {
    var now = new Date();
    return now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0") + "-" + String(now.getDate()).padStart(2, "0");
  }

  // A GET form (a statement for a period): only the fields that are filled in go in the query.
  function openWithQuery(form) {
    var query = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && String(field.value).trim() !== "") query.push(encodeURIComponent(field.name) + "=" + encodeURIComponent(field.value.trim()));
    });
    window.location.assign(form.getAttribute("data-get") + (query.length ? "?" + query.join("&") : ""));
  }

  // Money and quantities as typed ("19.99", "2.5") read exactly into integers of `digits`
  // decimals (BigInt), never through binary floating point; null when it is not a number.
  function scaled(text, digits) {
    var typed = String(text).trim();
    // A comma only as a thousands separator (1,234.50); "19,99" is not read as 1999.
    if (typed.indexOf(",") >= 0 && !/^-?\d{1,3}(,\d{3})+(\.\d*)?$/.test(typed)) return null;
    var match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(typed.replace(/,/g, ""));
    if (!match || (match[2] === "" && !match[3])) return null;
    var fraction = match[3] || "";
    if (fraction.length > digits) return null;
    var value = BigInt((match[2] || "0") + fraction + "0".repeat(digits - fraction.length));
    return match[1] === "-" ? -value : value;
  }

  // The invoice rounding rule, as the server applies it: half away from zero.
  function rounded(numerator, denominator) {
    var quotient = numerator / denominator;
    var remainder = numerator % denominator;
    var magnitude = remainder < 0n ? -remainder : remainder;
    if (magnitude * 2n >= denominator) quotient += numerator < 0n ? -1n : 1n;
    return quotient;
  }

  function money(minor, form) {
    var digits = Number(form.getAttribute("data-minor-digits") || "2");
    var negative = minor < 0n;
    var text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
    var whole = text.slice(0, text.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var amount = digits > 0 ? whole + "." + text.slice(text.length - digits) : whole;
    var currency = form.getAttribute("data-currency");
    return (negative ? "-" : "") + (currency === "USD" ? "$" + amount : amount + " " + currency);
  }

  // Each line as the API takes it, or an error naming what is wrong.
  function invoiceLines(form) {
    var digits = Number(form.getAttribute("data-minor-digits") || "2");
    var lines = [];
    var problem = null;
    form.querySelectorAll("[data-line]").forEach(function (row, index) {
      var value = function (name) { return row.querySelector('[data-field="' + name + '"]').value.trim(); };
      var quantity = scaled(value("quantity") || "1", 3);
      var price = scaled(value("unit_price"), digits);
      var rate = value("tax_rate") === "" ? 0n : scaled(value("tax_rate"), 2);
      if (quantity === null) problem = problem || "Line " + (index + 1) + ": the quantity is a number with at most 3 decimals.";
      if (price === null) problem = problem || "Line " + (index + 1) + ": the unit price is an amount like 19.99.";
      if (rate === null) problem = problem || "Line " + (index + 1) + ": the tax rate is a percentage like 8.25.";
      lines.push({ row: row, description: value("description"), quantity: quantity, price: price, rate: rate });
    });
    return { lines: lines, problem: problem };
  }

  function invoiceTotals(form) {
    var subtotal = 0n, tax = 0n;
    invoiceLines(form).lines.forEach(function (line) {
      var cell = line.row.querySelector("[data-line-total]");
      if (line.quantity === null || line.price === null || line.rate === null) { cell.textContent = ""; return; }
      var amount = rounded(line.quantity * line.price, 1000n);
      subtotal += amount;
      tax += rounded(amount * line.rate, 10000n);
      cell.textContent = money(amount, form);
    });
    form.querySelector("[data-subtotal]").textContent = money(subtotal, form);
    form.querySelector("[data-tax]").textContent = money(tax, form);
    form.querySelector("[data-total]").textContent = money(subtotal + tax, form);
  }

  function addLine(form) {
    var rows = form.querySelector("[data-lines]");
    var copy = rows.querySelector("[data-line]").cloneNode(true);
    copy.querySelectorAll("input").forEach(function (input) { input.value = input.getAttribute("data-field") === "quantity" ? "1" : ""; });
    copy.querySelector("[data-line-total]").textContent = "";
    rows.appendChild(copy);
    copy.querySelector("input").focus();
  }

  function removeLine(button) {
    var form = button.form;
    if (form.querySelectorAll("[data-line]").length > 1) button.closest("[data-line]").remove();
    invoiceTotals(form);
  }

  function request(method, url, body, headers) {
    headers = headers || {};
    headers["Idempotency-Key"] = crypto.randomUUID();
    return fetch(url, { method: method, headers: headers, body: body }).then(function (response) {
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (ignored) { json = null; }
        return { ok: response.ok, status: response.status, json: json };
      });
    });
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
  }

  // Field errors under their fields (billing_address.city under its address), the rest at the bottom.
  function showError(form, result) {
    var error = (result.json && result.json.error) || { message: "Something went wrong (" + result.status + "). Nothing was saved." };
    var shown = false;
    Object.keys(error.details || {}).forEach(function (field) {
      var slot = form.querySelector('[data-error-for="' + field + '"]') ||
        form.querySelector('[data-error-for="' + field.split(".")[0] + '"]') ||
        form.querySelector('[data-error-for="' + field.replace(/\[\d+\].*$/, "") + '"]');
      if (slot) { slot.textContent = error.details[field]; shown = true; }
    });
    if (!shown) { var bottom = form.querySelector(".form-error"); if (bottom) bottom.textContent = error.message; }
  }

  function unreachable(form) {
    var bottom = form.querySelector(".form-error");
    if (bottom) bottom.textContent = "The server could not be reached. Nothing was saved; try again.";
  }

  // The form as the API's JSON: "a.b" names nest; checkboxes are booleans, or lists with
  // data-list; empty fields are left out, or sent as null (clearing them) with data-empty="null".
  function serialize(form) {
    var clearEmpty = form.getAttribute("data-empty") === "null";
    var body = {};
    var groups = {};
    // form.elements: also the fields outside it that name it (form="…"), like the list's row checkboxes.
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "file" || field.type === "submit" || field.type === "button") return;
      if (field.type === "radio") { if (field.checked) body[field.name] = field.value; return; }
      if (field.type === "checkbox") {
        if (field.hasAttribute("data-list")) {
          body[field.name] = body[field.name] || [];
          if (field.checked) body[field.name].push(field.value);
        } else {
          body[field.name] = field.checked;
        }
        return;
      }
      var value = String(field.value).trim();
      var dot = field.name.indexOf(".");
      if (dot > 0) {
        var group = field.name.slice(0, dot);
        groups[group] = groups[group] || {};
        if (value !== "") groups[group][field.name.slice(dot + 1)] = value;
        if (field.hasAttribute("data-omit-empty")) groups[group].omitEmpty = true;
        return;
      }
      if (value === "") { if (clearEmpty || field.hasAttribute("data-null-when-empty")) body[field.name] = null; return; }
      if (field.hasAttribute("data-money")) {  // an amount typed in major units, sent in minor units
        var minor = scaled(value, digitsOf(form));
        body[field.name] = minor === null ? value : Number(minor);
        return;
      }
      body[field.name] = field.type === "number" || field.hasAttribute("data-number") ? Number(value) : value;
    });
    var sameAsBilling = body.shipping_same_as_billing === true;
    Object.keys(groups).forEach(function (name) {
      var members = groups[name];
      var omitEmpty = members.omitEmpty; delete members.omitEmpty;
      var empty = Object.keys(members).length === 0 || (name === "shipping_address" && sameAsBilling);
      if (!empty) body[name] = members;
      else if (clearEmpty && !omitEmpty) body[name] = null;
    });
    if (form.hasAttribute("data-merge")) {
      body.merge_ids = (body.merge_ids || []).filter(function (id) { return id !== body.master_id; });
    }
    if (form.hasAttribute("data-take-payment")) {
      body.applications = [];
      form.querySelectorAll("[data-apply-row]").forEach(function (row) {
        var minor = scaled(row.querySelector("[data-apply]").value || "0", digitsOf(form));
        if (minor !== null && minor > 0n) body.applications.push({ invoice_id: row.getAttribute("data-invoice-id"), amount_cents: Number(minor) });
      });
    }
    if (form.hasAttribute("data-payment-settings")) {
      ["card_fee", "ach_fee"].forEach(function (fee) {
        var part = function (name) { return form.querySelector('[data-fee="' + fee + '"][data-part="' + name + '"]').value.trim(); };
        if (part("percent") === "" && part("fixed") === "" && part("cap") === "") { body[fee] = null; return; }
        var bps = scaled(part("percent") || "0", 2);
        var fixed = scaled(part("fixed") || "0", digitsOf(form));
        var cap = part("cap") === "" ? null : scaled(part("cap"), digitsOf(form));
        // What does not read as a number goes as typed, so the server refuses it by name.
        body[fee] = { basis_points: bps === null ? part("percent") : Number(bps), fixed_cents: fixed === null ? part("fixed") : Number(fixed),
                      cap_cents: part("cap") === "" ? null : (cap === null ? part("cap") : Number(cap)) };
      });
    }
    if (form.hasAttribute("data-invoice")) {
      body.lines = invoiceLines(form).lines.map(function (line) {
        var out = { description: line.description, quantity: Number(line.quantity) / 1000, unit_price_cents: Number(line.price) };
        if (line.rate !== 0n) out.tax_rate_bps = Number(line.rate);
        return out;
      });
    }
    return body;
  }

  function sendForm(form) {
    clearErrors(form);
    if (form.hasAttribute("data-invoice")) {
      var problem = invoiceLines(form).problem;
      if (problem) { form.querySelector('[data-error-for="lines"]').textContent = problem; return; }
    }
    if (form.hasAttribute("data-take-payment")) {
      var wrong = Array.prototype.filter.call(form.querySelectorAll("[data-apply]"), function (input) {
        var minor = input.value.trim() === "" ? 0n : scaled(input.value, digitsOf(form));
        return minor === null || minor < 0n;
      });
      if (wrong.length) {
        form.querySelector('[data-error-for="applications"]').textContent =
          "Each amount to apply is an amount like 104.10 (or empty); " + wrong[0].getAttribute("aria-label") + " is not.";
        return;
      }
    }
    var submit = form.querySelector("button[type=submit]");
    if (submit) submit.disabled = true;
    request(form.getAttribute("data-method") || "POST", form.getAttribute("data-api"), JSON.stringify(serialize(form)),
            { "Content-Type": "application/json" })
      .then(function (result) {
        if (!result.ok) { showError(form, result); return; }
        var redirect = form.getAttribute("data-redirect");
        if (redirect && result.json && result.json.id) { window.location.href = redirect + result.json.id; return; }
        window.location.reload();
      })
      .catch(function () { unreachable(form); })
      .finally(function () { if (submit) submit.disabled = false; });
  }

  function upload(form) {
    clearErrors(form);
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    if (!file) { form.querySelector(".form-error").textContent = "Choose a file to upload."; return; }
    var url = form.getAttribute("data-upload") + "?filename=" + encodeURIComponent(file.name);
    request("POST", url, file, { "Content-Type": file.type || "application/octet-stream" })
      .then(function (result) { if (result.ok) window.location.reload(); else showError(form, result); })
      .catch(function () { unreachable(form); });
  }

  // The timeline's tabs and "Load more": pages of the history API, each entry written as text.
  function historyTab(button) {
    var section = button.closest("[data-history]");
    section.querySelectorAll("[data-history-tab]").forEach(function (other) { other.setAttribute("aria-pressed", String(other === button)); });
    section.setAttribute("data-tab", button.getAttribute("data-history-tab"));
    historyPage(section, true);
  }

  var historyAsked = 0;  // only the newest question's answer is shown (a tab clicked while another loads)
  function historyPage(section, fresh) {
    var list = section.querySelector("[data-history-list]");
    var more = section.querySelector("[data-history-more]");
    var error = section.querySelector("[data-history-error]");
    if (!fresh && more.disabled) return;  // a page already on its way
    var cursor = fresh ? null : more.getAttribute("data-next");
    var mine = ++historyAsked;
    more.disabled = true;
    var url = section.getAttribute("data-history") + "?limit=20&type=" + encodeURIComponent(section.getAttribute("data-tab") || "all")
      + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    error.textContent = "";
    request("GET", url).then(function (result) {
      if (mine !== historyAsked) return;
      more.disabled = false;
      if (!result.ok || !result.json) { error.textContent = (result.json && result.json.error && result.json.error.message) || "The history could not be read."; return; }
      if (fresh) list.textContent = "";
      var empty = section.querySelector("[data-history-empty]");
      if (empty) empty.hidden = fresh ? result.json.items.length > 0 : true;
      result.json.items.forEach(function (item) {
        var entry = document.createElement("li");
        entry.setAttribute("data-testid", "history-item");
        entry.setAttribute("data-category", item.category);
        var when = document.createElement("span");
        when.className = "when";
        when.textContent = item.occurred_at.slice(0, 10) + " " + item.occurred_at.slice(11, 16) + " UTC";
        entry.appendChild(when);
        if (item.actor && item.actor.name) {
          var who = document.createElement("span");
          who.className = "who";
          who.textContent = item.actor.name;
          entry.appendChild(document.createTextNode(" "));
          entry.appendChild(who);
        }
        var what = document.createElement("span");
        what.className = "what";
        what.textContent = item.summary;
        entry.appendChild(document.createTextNode(" "));
        entry.appendChild(what);
        list.appendChild(entry);
      });
      if (result.json.next_cursor) { more.setAttribute("data-next", result.json.next_cursor); more.hidden = false; }
      else { more.removeAttribute("data-next"); more.hidden = true; }
    }).catch(function () { if (mine === historyAsked) { more.disabled = false; error.textContent = "The server could not be reached."; } });
  }

  // Copy Payment Link: the customer's link (made when there is none), shown and copied.
  function copyLink(button) {
    var shown = document.getElementById(button.getAttribute("data-shows"));
    button.disabled = true;
    request("POST", button.getAttribute("data-copy-link"), "{}", { "Content-Type": "application/json" }).then(function (result) {
      button.disabled = false;
      if (!result.ok || !result.json) {
        window.alert((result.json && result.json.error && result.json.error.message) || "That did not work (" + result.status + ").");
        return;
      }
      if (shown) { shown.value = result.json.url; shown.hidden = false; shown.select(); }
      var note = document.getElementById(button.getAttribute("data-note"));
      var copied = function () { if (note) note.textContent = "Copied to the clipboard."; };
      var select = function () { if (note) note.textContent = "Select the link and copy it."; };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(result.json.url).then(copied, select);
      else select();
    }).catch(function () { button.disabled = false; window.alert("The server could not be reached. Nothing changed."); });
  }

  // A button that changes one thing (deactivate, delete), after confirming when it asks to.
  function act(button) {
    var question = button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) return;
    var url = button.getAttribute("data-post") || button.getAttribute("data-delete");
    var method = button.hasAttribute("data-post") ? "POST" : "DELETE";
    button.disabled = true;
    request(method, url).then(function (result) {
      if (result.ok) { window.location.reload(); return; }
      window.alert((result.json && result.json.error && result.json.error.message) || "That did not work (" + result.status + ").");
      button.disabled = false;
    }).catch(function () { window.alert("The server could not be reached. Nothing changed."); button.disabled = false; });
  }

  // What the payment portal's script shares with the pages: amounts read exactly.
  window.Ledgerline = { scaled: scaled };
})();

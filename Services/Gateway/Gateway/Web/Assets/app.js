// Ledgerline AR: the little behaviour the server-rendered pages need.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open"));
      if (dialog) { dialog.showModal(); var first = dialog.querySelector("input"); if (first) first.focus(); }
    }
    var closer = event.target.closest("[data-close]");
    if (closer) {
      var toClose = document.getElementById(closer.getAttribute("data-close"));
      if (toClose) toClose.close();
    }
  });

  // A checkbox with data-toggles hides the element it names while checked ("same as billing").
  document.addEventListener("change", function (event) {
    var target = event.target.getAttribute && event.target.getAttribute("data-toggles");
    if (target) { var element = document.getElementById(target); if (element) element.hidden = event.target.checked; }
  });

  var form = document.getElementById("add-customer-form");
  if (!form) return;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
    var body = {};
    var same = form.querySelector("[name=shipping_same_as_billing]");
    new FormData(form).forEach(function (value, key) {
      if (key === "shipping_same_as_billing") return;
      value = String(value).trim();
      if (value === "") return;
      var dot = key.indexOf(".");
      if (dot > 0) {  // billing_address.city → {billing_address: {city: …}}
        var group = key.slice(0, dot);
        if (group === "shipping_address" && same.checked) return;
        body[group] = body[group] || {};
        body[group][key.slice(dot + 1)] = value;
        return;
      }
      body[key] = key === "payment_terms_days" ? Number(value) : value;
    });
    body.shipping_same_as_billing = same.checked;
    var submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    fetch("/api/v1/customers", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; });
    }).then(function (result) {
      if (result.ok) { window.location.href = "/customers/" + result.json.id; return; }
      var error = result.json.error || { message: "Something went wrong." };
      var shown = false;
      Object.keys(error.details || {}).forEach(function (field) {
        // billing_address.city is shown under its address
        var slot = form.querySelector('[data-error-for="' + field + '"]') ||
          form.querySelector('[data-error-for="' + field.split(".")[0] + '"]');
        if (slot) { slot.textContent = error.details[field]; shown = true; }
      });
      if (!shown) form.querySelector(".form-error").textContent = error.message;
    }).catch(function () {
      form.querySelector(".form-error").textContent = "The server could not be reached. Nothing was saved; try again.";
    }).finally(function () { submit.disabled = false; });
  });
})();

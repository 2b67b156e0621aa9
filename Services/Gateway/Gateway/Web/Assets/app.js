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

  var form = document.getElementById("add-customer-form");
  if (!form) return;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
    var body = {};
    new FormData(form).forEach(function (value, key) {
      value = String(value).trim();
      if (value === "") return;
      body[key] = key === "payment_terms_days" ? Number(value) : value;
    });
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
        var slot = form.querySelector('[data-error-for="' + field + '"]');
        if (slot) { slot.textContent = error.details[field]; shown = true; }
      });
      if (!shown) form.querySelector(".form-error").textContent = error.message;
    }).catch(function () {
      form.querySelector(".form-error").textContent = "The server could not be reached. Nothing was saved; try again.";
    }).finally(function () { submit.disabled = false; });
  });
})();

// Ledgerline AR: the little behaviour the server-rendered pages need. Every change goes
// through the same HTTP API as any client; the page reloads to show the result.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open"));
      if (dialog) { dialog.showModal(); var first = dialog.querySelector("input:not([type=hidden]), select"); if (first) first.focus(); }
    }
    var closer = event.target.closest("[data-close]");
    if (closer) {
      var toClose = document.getElementById(closer.getAttribute("data-close"));
      if (toClose) toClose.close();
    }
    var poster = event.target.closest("[data-post], [data-delete]");
    if (poster) act(poster);
  });

  // A checkbox with data-toggles hides the element it names while checked ("same as billing").
  document.addEventListener("change", function (event) {
    var target = event.target.getAttribute && event.target.getAttribute("data-toggles");
    if (target) { var element = document.getElementById(target); if (element) element.hidden = event.target.checked; }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-api")) { event.preventDefault(); sendForm(form); }
    if (form.hasAttribute("data-upload")) { event.preventDefault(); upload(form); }
  });

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
        form.querySelector('[data-error-for="' + field.split(".")[0] + '"]');
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
      if (value === "") { if (clearEmpty) body[field.name] = null; return; }
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
    return body;
  }

  function sendForm(form) {
    clearErrors(form);
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
})();

#!/usr/bin/env python3
"""Browser test: sign in, add a customer with both addresses through the Customers page, open
its Customer Details page, find its name and its history entry; edit it through the ⋯ menu; add
two billing contacts and merge them; upload a document and download it byte for byte; assign an
AR specialist; add collection statuses; create an invoice with two lines (live totals), change
its collection status inline and download its PDF (read back with pdftotext); take a payment split
across two invoices and see both balances and the unapplied credit; record a promise to pay on a
third invoice, copy the payment link, open the portal, pay the invoice with the sandbox card (the fee
shown is the fee recorded), a declined card recording nothing, and see "Paid via portal" and the
promise kept in the customer's history; add a note with <script> in it (shown as text), assign a
task to yourself, see it on the History's Tasks tab and complete it from "My tasks"; sign out and
land on the sign-in page.
Usage: customers_flow.py BASE_URL EMAIL PASSWORD"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def sign_in(driver, wait, base, email, password):
    driver.get(base + "/customers")
    wait.until(ec.visibility_of_element_located((By.NAME, "password")))  # not signed in: the sign-in form
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys("wrong password!!")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: "not correct" in d.page_source)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(ec.url_contains("/customers"))
    assert "Customers" in driver.find_element(By.TAG_NAME, "h1").text


def api(base, method, path, token, body=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def eventually(driver, condition, what, seconds=15):
    """Reloads the page until condition(driver) holds (events reach other services on their own time)."""
    deadline = time.time() + seconds
    while True:
        try:
            if condition(driver):
                return
        except WebDriverException:  # read while the page reloaded: read again
            pass
        assert time.time() < deadline, what
        time.sleep(0.3)
        driver.refresh()


def reloaded(page):
    """True once `page` (the old <html> element) is gone: the browser loaded the next page. While
    it navigates, Chromium may answer with another error than stale: gone all the same."""
    def check(driver):
        try:
            page.is_enabled()
            return False
        except (StaleElementReferenceException, WebDriverException):
            try:
                return driver.execute_script("return document.readyState") == "complete"
            except WebDriverException:
                return False  # still navigating
    return check


def submit_dialog(driver, wait, dialog_id):
    """Submits the dialog's form and waits for the page to reload without it open."""
    dialog = driver.find_element(By.ID, dialog_id)
    page = driver.find_element(By.TAG_NAME, "html")
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    try:
        wait.until(reloaded(page))
    except Exception:
        raise AssertionError("%s did not save: %r" % (dialog_id, driver.find_element(By.ID, dialog_id).text))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def details_flow(driver, wait, base, token):
    # Edit through the ⋯ menu: a bad phone is refused on its field, a good one saved.
    driver.find_element(By.CSS_SELECTOR, "[data-testid='customer-menu'] summary").click()
    driver.find_element(By.CSS_SELECTOR, "[data-open='edit-customer']").click()
    dialog = wait.until(ec.visibility_of_element_located((By.ID, "edit-customer")))
    phone = dialog.find_element(By.NAME, "phone")
    phone.send_keys("call me")
    dialog.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: "not a phone number" in dialog.find_element(By.CSS_SELECTOR, "[data-error-for='phone']").text)
    phone.clear()
    phone.send_keys("+1 555 0142")
    submit_dialog(driver, wait, "edit-customer")
    wait.until(lambda d: "+1 555 0142" in d.find_element(By.ID, "profile").text)

    # Two contacts, then merged into one, taking the second one's email.
    for first, last, mail in (("Pat", "Payer", "old@browser-test.example"), ("Patricia", "Payer", "pat@browser-test.example")):
        driver.find_element(By.CSS_SELECTOR, "[data-open='add-contact']").click()
        dialog = wait.until(ec.visibility_of_element_located((By.ID, "add-contact")))
        dialog.find_element(By.NAME, "first_name").send_keys(first)
        dialog.find_element(By.NAME, "last_name").send_keys(last)
        dialog.find_element(By.NAME, "email").send_keys(mail)
        submit_dialog(driver, wait, "add-contact")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='contact']")) == 2)
    driver.find_element(By.CSS_SELECTOR, "[data-open='merge-contacts']").click()
    dialog = wait.until(ec.visibility_of_element_located((By.ID, "merge-contacts")))
    dialog.find_element(By.CSS_SELECTOR, "input[aria-label='Keep Pat Payer']").click()
    dialog.find_element(By.CSS_SELECTOR, "input[aria-label='Merge Patricia Payer']").click()
    email_choice = dialog.find_element(By.NAME, "fields.email")
    for option in email_choice.find_elements(By.TAG_NAME, "option"):
        if "pat@browser-test.example" in option.text:
            option.click()
    submit_dialog(driver, wait, "merge-contacts")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='contact']")) == 1)
    contacts = driver.find_element(By.ID, "contacts").text
    assert "Pat Payer" in contacts and "pat@browser-test.example" in contacts and "Patricia" not in contacts, contacts

    # A document: uploaded, listed, downloaded with the same bytes.
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + os.urandom(2048)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "signed terms.pdf")
    with open(path, "wb") as handle:
        handle.write(content)
    driver.find_element(By.CSS_SELECTOR, "#documents input[type=file]").send_keys(path)
    driver.find_element(By.CSS_SELECTOR, "#documents button[type=submit]").click()
    link = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='document'] a")))
    assert link.text == "signed terms.pdf", link.text
    digest = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => crypto.subtle.digest('SHA-256', b))
          .then(d => done(Array.from(new Uint8Array(d)).map(x => x.toString(16).padStart(2, '0')).join('')))
          .catch(e => done('failed: ' + e));""", link.get_attribute("href"))
    assert digest == hashlib.sha256(content).hexdigest(), digest

    # An AR specialist, once customer-service has heard of the new user.
    api(base, "POST", "/api/v1/users", token, {"name": "Sam Collector", "email": "sam.collector@browser-test.example",
                                                "password": "a long enough password", "role": "specialist"})
    eventually(driver, lambda d: "Sam Collector" in d.find_element(By.CSS_SELECTOR, "#specialist select").text,
               "the new user never became assignable")
    select = driver.find_element(By.CSS_SELECTOR, "#specialist select")
    for option in select.find_elements(By.TAG_NAME, "option"):
        if option.text == "Sam Collector":
            option.click()
    driver.find_element(By.CSS_SELECTOR, "#specialist button[type=submit]").click()
    wait.until(lambda d: "Assigned specialist: Sam Collector" in d.find_element(By.ID, "specialist").text)
    eventually(driver, lambda d: any("assigned AR specialist Sam Collector" in e.text
                                     for e in d.find_elements(By.CSS_SELECTOR, "[data-testid='history-item']")),
               "the assignment never reached the timeline")
    eventually(driver, lambda d: any("merged contact Patricia Payer into Pat Payer" in e.text
                                     for e in d.find_elements(By.CSS_SELECTOR, "[data-testid='history-item']")),
               "the merge never reached the timeline")


def invoice_flow(driver, wait, customer_url):
    """+ Create Invoice with two lines, the collection status changed inline, the PDF downloaded."""
    driver.get(customer_url)
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-open='create-invoice']"))).click()
    dialog = wait.until(ec.visibility_of_element_located((By.ID, "create-invoice")))
    assert dialog.find_element(By.NAME, "issue_date").get_attribute("value") != "", "the issue date starts at today"
    Select(dialog.find_element(By.NAME, "collection_status_id")).select_by_visible_text("Reminder sent")
    dialog.find_element(By.CSS_SELECTOR, "[data-add-line]").click()
    rows = dialog.find_elements(By.CSS_SELECTOR, "[data-line]")
    assert len(rows) == 2, len(rows)
    for row, (description, quantity, price, rate) in zip(rows, (("Widgets", "2.5", "19.99", "8.25"), ("Setup", "1", "50", ""))):
        row.find_element(By.CSS_SELECTOR, "[data-field='description']").send_keys(description)
        field = row.find_element(By.CSS_SELECTOR, "[data-field='quantity']")
        field.clear()
        field.send_keys(quantity)
        row.find_element(By.CSS_SELECTOR, "[data-field='unit_price']").send_keys(price)
        row.find_element(By.CSS_SELECTOR, "[data-field='tax_rate']").send_keys(rate)
    # The page's totals follow the rule the server applies: 2.5 × $19.99 = $49.975 → $49.98, tax $4.12.
    wait.until(lambda d: dialog.find_element(By.CSS_SELECTOR, "[data-total]").text == "$104.10")
    assert rows[0].find_element(By.CSS_SELECTOR, "[data-line-total]").text == "$49.98"
    assert dialog.find_element(By.CSS_SELECTOR, "[data-tax]").text == "$4.12"
    submit_dialog(driver, wait, "create-invoice")
    row = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='invoice']")))
    assert "INV-" in row.text and "$104.10" in row.text, row.text
    assert Select(row.find_element(By.TAG_NAME, "select")).first_selected_option.text == "Reminder sent"

    # The collection status, changed in the row: saved at once, still chosen after the reload.
    page = driver.find_element(By.TAG_NAME, "html")
    Select(row.find_element(By.TAG_NAME, "select")).select_by_visible_text("Browser Disputed")
    wait.until(reloaded(page))
    row = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='invoice']")))
    assert Select(row.find_element(By.TAG_NAME, "select")).first_selected_option.text == "Browser Disputed"
    assert "Browser Disputed (1)" in driver.find_element(By.CSS_SELECTOR, "[data-testid='by-status']").text

    # The PDF: fetched as the link would download it, and read back as text.
    number = row.find_elements(By.TAG_NAME, "td")[0].text
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(async r => {
          const bytes = new Uint8Array(await r.arrayBuffer());
          let text = ''; bytes.forEach(b => text += String.fromCharCode(b));
          done({status: r.status, type: r.headers.get('Content-Type'), body: btoa(text)});
        }).catch(e => done({status: 0, type: String(e), body: ''}));""",
        row.find_element(By.CSS_SELECTOR, "[data-testid='invoice-pdf']").get_attribute("href"))
    assert result["status"] == 200 and result["type"] == "application/pdf", (result["status"], result["type"])
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "invoice.pdf")
    with open(path, "wb") as handle:
        handle.write(base64.b64decode(result["body"]))
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, timeout=30, check=True).stdout
    for expected in (number, "Widgets", "Setup", "$104.10", "Browser Test Co"):
        assert expected in text, "%s is not in the PDF: %s" % (expected, text)


def one_line_invoice(driver, wait, customer_url, description, price, invoices_after):
    """Create Invoice on the customer's page with one line; waits until the table has `invoices_after` rows."""
    driver.get(customer_url)
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-open='create-invoice']"))).click()
    dialog = wait.until(ec.visibility_of_element_located((By.ID, "create-invoice")))
    row = dialog.find_element(By.CSS_SELECTOR, "[data-line]")
    row.find_element(By.CSS_SELECTOR, "[data-field='description']").send_keys(description)
    row.find_element(By.CSS_SELECTOR, "[data-field='unit_price']").send_keys(price)
    submit_dialog(driver, wait, "create-invoice")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='invoice']")) == invoices_after)


def payment_flow(driver, wait, customer_url):
    """A second invoice, then Take Payment: $150.00 split oldest due first over the two open
    invoices ($104.10 and $40.00), $5.90 left as unapplied credit; both balances follow."""
    one_line_invoice(driver, wait, customer_url, "Support", "40", invoices_after=2)

    def open_dialog(d):
        d.find_element(By.CSS_SELECTOR, "[data-open='take-payment']").click()
        return len(d.find_elements(By.CSS_SELECTOR, "#take-payment [data-apply-row]")) == 2
    # payments-service learns of the new invoice from its event: reload until it is payable.
    eventually(driver, open_dialog, "the second invoice never became payable")
    dialog = wait.until(ec.visibility_of_element_located((By.ID, "take-payment")))
    dialog.find_element(By.NAME, "amount_cents").send_keys("150")
    applies = [e.get_attribute("value") for e in dialog.find_elements(By.CSS_SELECTOR, "[data-apply]")]
    assert applies == ["104.10", "40.00"], applies
    assert "$5.90" in dialog.find_element(By.CSS_SELECTOR, "[data-testid='unapplied-note']").text
    Select(dialog.find_element(By.NAME, "method")).select_by_visible_text("Check")
    dialog.find_element(By.NAME, "reference").send_keys("1042")
    submit_dialog(driver, wait, "take-payment")
    payment = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='payment']")))
    assert "$150.00" in payment.text and "unapplied $5.90" in payment.text, payment.text
    # invoice-service applies the payment from its events: both balances reach zero.
    eventually(driver, lambda d: all("$0.00" in r.find_elements(By.TAG_NAME, "td")[5].text
                                     for r in d.find_elements(By.CSS_SELECTOR, "[data-testid='invoice']")),
               "the balances never followed the payment")
    rows = driver.find_elements(By.CSS_SELECTOR, "[data-testid='invoice']")
    assert all("paid" in r.find_elements(By.TAG_NAME, "td")[6].text for r in rows), [r.text for r in rows]
    eventually(driver, lambda d: "$5.90" in d.find_element(By.ID, "payment").find_element(By.CSS_SELECTOR, "dl.facts").text,
               "the unapplied credit never showed")
    eventually(driver, lambda d: any("recorded a payment of $150.00 by check 1042" in e.text
                                     for e in d.find_elements(By.CSS_SELECTOR, "[data-testid='history-item']")),
               "the payment never reached the timeline")


def promise_and_portal_flow(driver, wait, base, token, customer_url):
    """A third invoice ($75.00) and a promise to pay it within a week, then the payment link:
    copied from the page, opened, the invoice paid there with the sandbox card."""
    customer_id = customer_url.rstrip("/").split("/")[-1]
    api(base, "PUT", "/api/v1/customers/%s/payment-settings" % customer_id, token,
        {"card_allowed": True, "ach_allowed": True, "card_fee": {"basis_points": 300, "fixed_cents": 30}, "autopay": False})
    one_line_invoice(driver, wait, customer_url, "Portal test", "75", invoices_after=3)

    # Promise to Pay, among the specialist's actions: the new invoice, $75.00, a week from today.
    def open_promise(d):
        d.find_element(By.CSS_SELECTOR, "[data-testid='open-promise']").click()
        return len(d.find_elements(By.CSS_SELECTOR, "#promise-to-pay input[name=invoice_ids]")) == 1
    eventually(driver, open_promise, "the third invoice never became promisable")
    dialog = wait.until(ec.visibility_of_element_located((By.ID, "promise-to-pay")))
    dialog.find_element(By.CSS_SELECTOR, "input[name=invoice_ids]").click()
    dialog.find_element(By.NAME, "amount_cents").send_keys("75")
    week = time.strftime("%Y-%m-%d", time.localtime(time.time() + 7 * 86400))
    driver.execute_script("arguments[0].value = arguments[1]", dialog.find_element(By.NAME, "promised_on"), week)
    dialog.find_element(By.NAME, "note").send_keys("Paying by card")
    submit_dialog(driver, wait, "promise-to-pay")
    promise = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='promise']")))
    assert "$75.00" in promise.text and "open" in promise.text, promise.text

    # Copy Payment Link: made now (there is none), shown and put on the clipboard.
    driver.find_element(By.CSS_SELECTOR, "[data-testid='copy-payment-link']").click()
    wait.until(lambda d: "/pay/" in (d.find_element(By.CSS_SELECTOR, "[data-testid='payment-link-url']").get_attribute("value") or ""))
    link = driver.find_element(By.CSS_SELECTOR, "[data-testid='payment-link-url']").get_attribute("value")
    assert link.startswith(base + "/pay/"), link

    driver.get(link)
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='portal-test-mode']")))
    assert "Browser Test Co" in driver.find_element(By.CSS_SELECTOR, "[data-testid='portal-customer']").text
    picks = driver.find_elements(By.CSS_SELECTOR, "input[name=invoice_ids]")
    assert len(picks) == 1, len(picks)
    picks[0].click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='portal-fee']").text != "")
    shown_fee = driver.find_element(By.CSS_SELECTOR, "[data-testid='portal-fee']")
    assert shown_fee.text == "$2.55", shown_fee.text  # 3 % of $75.00 + $0.30
    assert driver.find_element(By.CSS_SELECTOR, "[data-testid='portal-total']").text == "$77.55"
    form = driver.find_element(By.CSS_SELECTOR, "form[data-portal-form]")
    form.find_element(By.NAME, "card_name").send_keys("Pat Payer")
    form.find_element(By.NAME, "exp_month").send_keys("12")
    form.find_element(By.NAME, "exp_year").send_keys("2030")
    form.find_element(By.NAME, "cvc").send_keys("123")
    # A declined test card: the processor's reason, and the invoice still there to pay.
    form.find_element(By.NAME, "card_number").send_keys("4000 0000 0000 0002")
    driver.find_element(By.CSS_SELECTOR, "[data-testid='portal-pay']").click()
    result = driver.find_element(By.CSS_SELECTOR, "[data-testid='portal-result']")
    wait.until(lambda d: "declined" in result.text)
    assert len(driver.find_elements(By.CSS_SELECTOR, "input[name=invoice_ids]")) == 1
    card = form.find_element(By.NAME, "card_number")
    card.clear()
    card.send_keys("4242 4242 4242 4242")
    driver.find_element(By.CSS_SELECTOR, "[data-testid='portal-pay']").click()
    wait.until(lambda d: "payment was received" in result.text)
    assert result.get_attribute("data-fee-cents") == shown_fee.get_attribute("data-fee-cents") == "255", \
        (result.get_attribute("data-fee-cents"), shown_fee.get_attribute("data-fee-cents"))
    payment_id = result.get_attribute("data-payment-id")
    payment = api(base, "GET", "/api/v1/payments/" + payment_id, token)
    assert payment["fee_cents"] == 255 and payment["amount_cents"] == 7500 and payment["source"] == "portal", payment
    assert len(api(base, "GET", "/api/v1/customers/%s/payments" % customer_id, token)["items"]) == 2, "the decline recorded nothing"

    # Back on the Customer Details page: the payment, "paid via portal", the promise kept.
    driver.get(customer_url)
    eventually(driver, lambda d: any("Paid via portal: $75.00 by Visa ending 4242" in e.text
                                     for e in d.find_elements(By.CSS_SELECTOR, "[data-testid='history-item']")),
               "the portal payment never reached the timeline")
    eventually(driver, lambda d: any("Kept the promise to pay $75.00" in e.text
                                     for e in d.find_elements(By.CSS_SELECTOR, "[data-testid='history-item']")),
               "the promise was never kept")
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid='promise']"), "a kept promise is no longer open"


def history_flow(driver, wait, customer_url):
    """+ Add Note (text, never HTML), the Notes tab, Assign Task to yourself, My tasks."""
    driver.get(customer_url)
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='open-add-note']"))).click()
    dialog = wait.until(ec.visibility_of_element_located((By.ID, "add-note")))
    dialog.find_element(By.NAME, "body").send_keys("<script>window.pwned = 1</script> Pat says Friday")
    submit_dialog(driver, wait, "add-note")
    note = wait.until(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "[data-testid='history-item']")
                                      if "Pat says Friday" in e.text), None))
    assert "<script>window.pwned = 1</script> Pat says Friday" in note.text, note.text
    assert driver.execute_script("return window.pwned === undefined"), "a note's text never runs"
    # The Notes tab shows only notes (read through the history API, written as text).
    driver.find_element(By.CSS_SELECTOR, "[data-history-tab='note']").click()
    wait.until(lambda d: all(e.get_attribute("data-category") == "note"
                             for e in d.find_elements(By.CSS_SELECTOR, "[data-history-list] [data-testid='history-item']")))
    items = driver.find_elements(By.CSS_SELECTOR, "[data-history-list] [data-testid='history-item']")
    assert len(items) == 1 and "<script>" in items[0].text, [i.text for i in items]
    assert driver.execute_script("return window.pwned === undefined")

    driver.find_element(By.CSS_SELECTOR, "[data-testid='open-assign-task']").click()
    dialog = wait.until(ec.visibility_of_element_located((By.ID, "assign-task")))
    dialog.find_element(By.NAME, "title").send_keys("Call Pat about Friday")
    Select(dialog.find_element(By.NAME, "assignee_id")).select_by_visible_text("Owner")
    submit_dialog(driver, wait, "assign-task")
    task = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='task']")))
    assert "Call Pat about Friday" in task.text, task.text

    driver.find_element(By.CSS_SELECTOR, "[data-testid='my-tasks-link']").click()
    mine = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='my-task']")))
    assert "Call Pat about Friday" in mine.text, mine.text
    page = driver.find_element(By.TAG_NAME, "html")
    mine.find_element(By.CSS_SELECTOR, "[data-testid='complete-task']").click()
    wait.until(reloaded(page))
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='no-tasks']")))
    driver.get(customer_url)
    wait.until(ec.visibility_of_element_located((By.ID, "history")))
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid='task']"), "completed: no longer open"
    assert any("completed task “Call Pat about Friday”" in e.text
               for e in driver.find_elements(By.CSS_SELECTOR, "[data-testid='history-item']"))


def main(base, email, password):
    driver = browser()
    # Saving reloads the page: an element read while it reloads is simply read again (Chromium
    # says so as a stale element, or as a node that "does not belong to the document").
    wait = WebDriverWait(driver, 15, ignored_exceptions=[StaleElementReferenceException, WebDriverException])
    try:
        sign_in(driver, wait, base, email, password)
        wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-open='add-customer']"))).click()
        form = wait.until(ec.visibility_of_element_located((By.ID, "add-customer-form")))

        # An empty name is refused on the page, and nothing is saved.
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-error-for='display_name']").text != "")
        assert "display_name is required" in driver.find_element(By.CSS_SELECTOR, "[data-error-for='display_name']").text

        form.find_element(By.NAME, "display_name").send_keys("Browser Test Co")
        form.find_element(By.NAME, "company").send_keys("Browser Test Company Ltd")
        form.find_element(By.NAME, "email").send_keys("ap@browser-test.example")
        form.find_element(By.NAME, "billing_address.line1").send_keys("1 Main St")
        form.find_element(By.NAME, "billing_address.city").send_keys("Springfield")
        form.find_element(By.NAME, "billing_address.postal_code").send_keys("01101")
        form.find_element(By.NAME, "billing_address.country").send_keys("US")
        # The shipping address appears only when it differs from billing.
        shipping = form.find_element(By.ID, "shipping-address")
        assert not shipping.is_displayed()
        form.find_element(By.NAME, "shipping_same_as_billing").click()
        wait.until(lambda d: shipping.is_displayed())
        form.find_element(By.NAME, "shipping_address.line1").send_keys("9 Dock Rd")
        form.find_element(By.NAME, "shipping_address.city").send_keys("Portland")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

        wait.until(ec.url_matches(r"/customers/[0-9a-f-]{36}$"))
        customer_url = driver.current_url
        name = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='customer-name']")))
        assert "Browser Test Co" in name.text, name.text
        profile = driver.find_element(By.ID, "profile").text
        assert "1 Main St, Springfield 01101, US" in profile, profile
        assert "9 Dock Rd, Portland" in profile, profile

        # The history entry arrives through the event pipeline: reload until it shows.
        deadline = time.time() + 15
        while True:
            entries = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "[data-testid='history-item']")]
            if any("Customer Browser Test Co created" in text for text in entries):
                break
            assert time.time() < deadline, "no history entry; saw %r" % entries
            time.sleep(0.3)
            driver.refresh()

        token = api(base, "POST", "/api/v1/auth/login", "", {"email": email, "password": password})["token"]
        details_flow(driver, wait, base, token)

        driver.get(base + "/customers?q=Browser")
        assert "Browser Test Co" in driver.page_source

        # Bulk assignment from the list: the row's checkbox, then the owner as specialist.
        driver.find_element(By.CSS_SELECTOR, "input[aria-label='Select Browser Test Co']").click()
        for option in driver.find_elements(By.CSS_SELECTOR, "#bulk-assign select option"):
            if option.text == "Owner":
                option.click()
        page = driver.find_element(By.TAG_NAME, "html")
        driver.find_element(By.CSS_SELECTOR, "#bulk-assign button[type=submit]").click()
        wait.until(reloaded(page))
        row = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[data-testid='customers'] tbody tr")))
        assert "Owner" in row.text and "Sam Collector" not in row.text, row.text

        # A collection status, added on its page and then moved to the front by its row's form.
        driver.get(base + "/collection-statuses")
        for name in ("Reminder sent", "Browser Disputed"):
            form = driver.find_element(By.CSS_SELECTOR, "form[data-method='POST']")
            form.find_element(By.NAME, "name").send_keys(name)
            page = driver.find_element(By.TAG_NAME, "html")
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            wait.until(reloaded(page))
        position = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "input[aria-label='Position of Browser Disputed']")))
        position.clear()
        position.send_keys("0")
        row = position.find_element(By.XPATH, "./ancestor::tr")
        page = driver.find_element(By.TAG_NAME, "html")
        row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(reloaded(page))
        names = [r.find_element(By.CSS_SELECTOR, "input[name=name]").get_attribute("value")
                 for r in driver.find_elements(By.CSS_SELECTOR, "[data-testid='collection-status']")]
        assert names == ["Browser Disputed", "Reminder sent"], names

        invoice_flow(driver, wait, customer_url)
        payment_flow(driver, wait, customer_url)
        promise_and_portal_flow(driver, wait, base, token, customer_url)
        history_flow(driver, wait, customer_url)

        driver.find_element(By.CSS_SELECTOR, "[data-testid='sign-out']").click()
        wait.until(ec.url_contains("/login"))
        driver.get(base + "/customers")
        wait.until(ec.visibility_of_element_located((By.NAME, "password")))  # the session is gone
        print("browser: 1 passed, 0 failed")
    finally:
        driver.quit()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3])

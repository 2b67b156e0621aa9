#!/usr/bin/env python3
"""Browser test: sign in, add a customer through the Customers page, open its Customer Details
page, find its name and its history entry, sign out and land on the sign-in page.
Usage: customers_flow.py BASE_URL EMAIL PASSWORD"""
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


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


def main(base, email, password):
    driver = browser()
    wait = WebDriverWait(driver, 15)
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

        driver.get(base + "/customers?q=Browser")
        assert "Browser Test Co" in driver.page_source

        driver.find_element(By.CSS_SELECTOR, "[data-testid='sign-out']").click()
        wait.until(ec.url_contains("/login"))
        driver.get(base + "/customers")
        wait.until(ec.visibility_of_element_located((By.NAME, "password")))  # the session is gone
        print("browser: 1 passed, 0 failed")
    finally:
        driver.quit()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3])

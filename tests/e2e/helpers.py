"""Browser steps shared by the flows: logging in and out, and reading the focused element."""

PASSWORD = "lingonberry jam on waffles"


def log_in(page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()


def log_out(page) -> None:
    page.click("header form.inline-form button")
    page.wait_for_load_state()


def flashes(page) -> str:
    return page.locator(".flashes").inner_text()


def sign_up_sme(page, *, name: str, email: str, company: str, org_number: str) -> None:
    page.goto("/auth/signup")
    page.check("input[name=account_type][value=sme]")
    page.fill("input[name=full_name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.fill("input[name=company_name]", company)
    page.fill("input[name=country]", "NO")
    page.fill("input[name=org_number]", org_number)
    page.click("text=Create account")
    page.wait_for_url("**/company/")


def fill_military_signup(page, *, name: str, email: str, unit: str) -> None:
    """Open the signup form and fill it in for a military user (not submitted)."""
    page.goto("/auth/signup")
    page.check("input[name=account_type][value=military]")
    page.fill("input[name=full_name]", name)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.fill("input[name=unit]", unit)


def active_element(page) -> dict:
    """What has focus: tag, name, type, id, text, class, its label, a unique position in the
    document, whether it is checked, and whether the focus ring is visible."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        const label = el.closest('label') || (el.labels && el.labels[0]);
        const style = getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '',
                type: el.getAttribute('type') || '', id: el.id || '',
                text: (el.innerText || '').trim(), cls: el.className || '',
                label: label ? label.innerText.trim() : '',
                position: Array.from(document.querySelectorAll('*')).indexOf(el),
                checked: !!el.checked, value: el.value === undefined ? '' : String(el.value),
                ring: el.matches(':focus-visible') && style.outlineStyle !== 'none'
                      && parseFloat(style.outlineWidth) > 0};
    }""")


def use_skip_link(page) -> None:
    page.keyboard.press("Tab")
    element = active_element(page)
    assert "skip-link" in element["cls"] and element["text"] == "Skip to content"
    page.keyboard.press("Enter")
    assert active_element(page)["id"] == "main"  # focus moved past the navigation

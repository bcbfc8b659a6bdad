"""Accessibility details axe cannot judge: the phone menu closes with Escape, wide tables are
scroll regions reached and scrolled with the keyboard, "Log out" never breaks over two lines,
and text on the front page's gradient keeps its contrast from one end of the gradient to the
other."""

import pytest

from .crawl import LOGINS, PHONE, crawl_world
from .helpers import active_element, log_in

pytestmark = pytest.mark.e2e

# WCAG 2.x contrast of every text element of the hero against both ends of its gradient.
GRADIENT_CONTRAST = """() => {
    const channel = (c) => {
        c /= 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const luminance = ([r, g, b]) =>
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const ratio = (a, b) => { const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
                              return (hi + 0.05) / (lo + 0.05); };
    const rgb = (text) => text.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
    const hero = document.querySelector('.hero');
    const stops = getComputedStyle(hero).backgroundImage.match(/rgba?\\([^)]*\\)/g).map(rgb);
    const results = [];
    for (const el of hero.querySelectorAll('*')) {
        const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own) continue;
        let painted = false;  // text on its own background (a button) is not on the gradient
        for (let up = el; up !== hero; up = up.parentElement) {
            if (getComputedStyle(up).backgroundColor !== 'rgba(0, 0, 0, 0)') painted = true;
        }
        if (painted) continue;
        const style = getComputedStyle(el);
        const large = parseFloat(style.fontSize) >= 24
                      || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
        results.push({text: el.textContent.trim().slice(0, 40), large: large,
                      worst: Math.min(...stops.map((stop) => ratio(rgb(style.color), stop)))});
    }
    return {stops: stops.length, results: results};
}"""

TEXT_LINES = """(selector) => {
    const el = document.querySelector(selector);
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
    return {lines: tops.size, visible: el.getClientRects().length > 0};
}"""


def _context(browser, base_url, viewport):
    context = browser.new_context(base_url=base_url, viewport=viewport)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_text_on_the_hero_gradient_meets_the_contrast_minimum(page):
    page.goto("/")
    contrast = page.evaluate(GRADIENT_CONTRAST)
    assert contrast["stops"] >= 2 and len(contrast["results"]) >= 2
    for item in contrast["results"]:
        minimum = 3.0 if item["large"] else 4.5
        assert item["worst"] >= minimum, item


def test_phone_menu_closes_with_escape_and_returns_focus(browser, base_url):
    context, page = _context(browser, base_url, PHONE)
    try:
        page.goto("/")
        toggle = page.locator(".nav-toggle")
        nav = page.locator("#site-nav")
        assert not nav.is_visible()
        toggle.focus()
        page.keyboard.press("Enter")
        assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Tab")
        assert active_element(page)["text"] == "Challenges"  # focus moved into the menu
        page.keyboard.press("Escape")
        assert not nav.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        focused = active_element(page)
        assert "nav-toggle" in focused["cls"] and focused["ring"]
        page.keyboard.press("Space")  # the toggle opens it again from the keyboard
        assert nav.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 820, 1024, 1280])
def test_log_out_stays_on_one_line(width, browser, base_url):
    context, page = _context(browser, base_url, {"width": width, "height": 844})
    try:
        log_in(page, *LOGINS["admin"])  # the role with the most header links
        page.goto("/dashboard")
        if page.locator(".nav-toggle").is_visible():
            page.locator(".nav-toggle").click()
        lines = page.evaluate(TEXT_LINES, "header form.inline-form button")
        assert lines == {"lines": 1, "visible": True}
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_coverage_heat_map_is_a_keyboard_scroll_region_on_a_phone(browser, base_url,
                                                                  portal_app):
    crawl_world(portal_app)  # companies in several counties, so the map is wide
    context, page = _context(browser, base_url, PHONE)
    try:
        log_in(page, *LOGINS["organiser"])
        page.goto("/events/dashboard")
        region = page.get_by_role("region", name="Companies per technology area and county")
        assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # wider than the phone
        for _ in range(30):
            page.keyboard.press("Tab")
            if region.evaluate("el => el === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reached the coverage table")
        assert active_element(page)["ring"]
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.activeElement.scrollLeft > 0")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()

"""WCAG 2.1 AA in a real browser: axe-core on every main page of every role, and no page
scrolls sideways on a phone (390 x 844). Every role's pages are checked in English, and
once more in Bokmål or Nynorsk.

axe-core comes from node_modules (``npm ci``, run by ``make test``). Every violation of the
WCAG 2.0/2.1 A and AA rules fails, whatever its impact; the count is printed. The rules axe
cannot decide ("incomplete") are written to ``artifacts/e2e/axe-incomplete-<role>.json`` and
reviewed in docs/accessibility.md.
"""

import json

import pytest

from .conftest import ARTIFACTS, CHROMIUM
from .crawl import AXE_SCRIPT, AXE_TAGS, LOGINS, PHONE, ROLES, crawl_pages, crawl_world
from .helpers import log_in

pytestmark = pytest.mark.e2e

RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                             resultTypes: ['violations', 'incomplete']});
    const brief = (items) => items.map((rule) => ({
        id: rule.id, impact: rule.impact, help: rule.help,
        nodes: rule.nodes.map((node) => ({target: node.target.join(' '),
                                          summary: node.failureSummary || '',
                                          html: node.html.slice(0, 200)}))}));
    return {violations: brief(results.violations), incomplete: brief(results.incomplete)};
}"""

OVERFLOW = """() => {
    const width = window.innerWidth;
    const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const insideScroller = (el) => {
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            if (scrolls(up)) return true;
        }
        return false;
    };
    const wide = Array.from(document.querySelectorAll('body *')).filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.right > width + 1 && !insideScroller(el);
    }).slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                         + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide};
}"""


@pytest.fixture
def world(portal_app):
    return crawl_world(portal_app)


def _signed_in_page(browser, base_url, role: str, viewport: dict, language: str | None = None):
    # bypass_csp lets axe-core be injected; the portal's own CSP forbids inline scripts.
    context = browser.new_context(base_url=base_url, viewport=viewport, bypass_csp=True)
    context.set_default_timeout(10_000)
    if language:
        # The header switch's cookie: the language of a visitor, and of a user with no saved one.
        context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    page = context.new_page()
    if LOGINS[role]:
        log_in(page, *LOGINS[role])
        assert "/auth/login" not in page.url, f"{role} could not log in"
    return context, page


def _describe(violations: list[dict]) -> str:
    lines = []
    for rule in violations:
        lines.append(f"  {rule['id']} ({rule['impact']}): {rule['help']}")
        lines.extend(f"    {node['target']}: {node['summary'].splitlines()[-1:]}"
                     for node in rule["nodes"][:5])
    return "\n".join(lines)


def _axe_crawl(role, language, browser, base_url, world, capsys):
    assert CHROMIUM.exists()
    assert AXE_SCRIPT.exists(), "axe-core is missing: run `npm ci` (make test does)"
    context, page = _signed_in_page(browser, base_url, role, {"width": 1280, "height": 900},
                                    language)
    failures, incomplete, count = [], {}, 0
    try:
        for path in crawl_pages(role, world):
            page.goto(path)
            page.wait_for_load_state()
            if language:
                assert page.get_attribute("html", "lang") == language, path
            page.add_script_tag(path=str(AXE_SCRIPT))
            results = page.evaluate(RUN_AXE, AXE_TAGS)
            found = sum(len(rule["nodes"]) for rule in results["violations"])
            count += found
            if found:
                failures.append(f"{path} ({found}):\n{_describe(results['violations'])}")
            if results["incomplete"]:
                incomplete[path] = results["incomplete"]
    finally:
        context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"{role}-{language}" if language else role
    (ARTIFACTS / f"axe-incomplete-{name}.json").write_text(json.dumps(incomplete, indent=1))
    with capsys.disabled():
        print(f"\naxe-core {name}: {count} violations on {len(crawl_pages(role, world))} pages, "
              f"{sum(len(rules) for rules in incomplete.values())} needs-review results")
    assert not failures, "axe-core violations:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_axe_finds_no_wcag_violation_on_any_page(role, browser, base_url, world, capsys):
    # The browser asks for English (Chromium's Accept-Language): the English pages.
    _axe_crawl(role, None, browser, base_url, world, capsys)


# Every role's pages once more in one of the Norwegian written standards (the portal's
# default is Bokmål), so each language is checked in the browser: longer words, other labels.
NORWEGIAN_CRAWLS = [("nb", "anonymous"), ("nb", "sme"), ("nb", "vetted-sme"),
                    ("nb", "organiser"), ("nn", "pending"), ("nn", "military"),
                    ("nn", "admin")]


@pytest.mark.parametrize("language, role", NORWEGIAN_CRAWLS)
def test_axe_finds_no_wcag_violation_in_norwegian(language, role, browser, base_url, world,
                                                    capsys):
    _axe_crawl(role, language, browser, base_url, world, capsys)


def _phone_crawl(role, language, browser, base_url, world, capsys):
    context, page = _signed_in_page(browser, base_url, role, PHONE, language)
    wide = []
    try:
        for path in crawl_pages(role, world):
            page.goto(path)
            page.wait_for_load_state()
            result = page.evaluate(OVERFLOW)
            if result["scrollWidth"] > result["innerWidth"]:
                wide.append(f"{path}: {result['scrollWidth']}px > {result['innerWidth']}px "
                            f"{result['wide']}")
    finally:
        context.close()
    with capsys.disabled():
        print(f"\nphone 390x844 {role} {language or 'en'}: {len(wide)} of "
              f"{len(crawl_pages(role, world))} pages scroll sideways")
    assert not wide, "pages wider than the phone:\n" + "\n".join(wide)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_on_a_phone(role, browser, base_url, world, capsys):
    _phone_crawl(role, None, browser, base_url, world, capsys)


@pytest.mark.parametrize("language, role", NORWEGIAN_CRAWLS)
def test_no_norwegian_page_scrolls_sideways_on_a_phone(language, role, browser, base_url, world,
                                                        capsys):
    # Norwegian compounds are long ("Møteforespørsler", "Tilgjengelighetserklæring").
    _phone_crawl(role, language, browser, base_url, world, capsys)


FOCUS_STOP = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    // The last Tab stop of a date or time input is the browser's own picker button, which
    // draws its own ring (the input no longer matches :focus there; see the stylesheet's
    // ::-webkit-calendar-picker-indicator rule).
    const picker = ['date', 'time'].includes(el.type) && !el.matches(':focus');
    return {tag: el.tagName.toLowerCase(), id: el.id,
            text: (el.innerText || el.value || '').trim().slice(0, 40),
            body: el === document.body,
            ring: picker || (el.matches(':focus-visible') && style.outlineStyle !== 'none'
                             && parseFloat(style.outlineWidth) >= 2),
            shown: box.width > 0 && box.height > 0 && style.visibility !== 'hidden'};
}"""


@pytest.mark.parametrize("role", ROLES)
def test_every_focus_stop_shows_the_focus_ring(role, browser, base_url, world, capsys):
    """Tab through each page from the top: every stop is visible and has the focus ring."""
    context, page = _signed_in_page(browser, base_url, role, {"width": 1280, "height": 900})
    problems, stops = [], 0
    try:
        for path in crawl_pages(role, world):
            page.goto(path)
            page.wait_for_load_state()
            for _ in range(400):
                page.keyboard.press("Tab")
                stop = page.evaluate(FOCUS_STOP)
                if stop["body"]:
                    break  # past the last control: focus went back to the document
                stops += 1
                if not (stop["ring"] and stop["shown"]):
                    problems.append(f"{path}: {stop}")
            else:
                problems.append(f"{path}: more than 400 focus stops")
    finally:
        context.close()
    with capsys.disabled():
        print(f"\nfocus {role}: {stops} focus stops, {len(problems)} without a visible ring")
    assert not problems, "\n".join(problems[:20])

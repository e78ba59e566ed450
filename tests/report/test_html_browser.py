"""report.html in headless Chromium, driven over the DevTools protocol (tests/report/chromium.py):
navigation, a filter, the search, the finding page, hostile text staying text, a screenshot that
is not blank, and the first render time. Skipped when Chromium is absent, unless
DWAGENT_REQUIRE_BROWSER is set (CI sets it: there the tests must run)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.report.chromium import CHROMIUM, Browser, png_colours

from dwagent.report.html import render_html

REQUIRED = bool(os.environ.get("DWAGENT_REQUIRE_BROWSER"))
pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason="headless Chromium not installed")]


@pytest.fixture
def browser(tmp_path):
    assert CHROMIUM, "DWAGENT_REQUIRE_BROWSER is set but no Chromium is installed"
    b = Browser(tmp_path / "profile")
    yield b
    b.close()


@pytest.fixture
def page(big_report, tmp_path):
    path = tmp_path / "report.html"
    llm = ("LLM openai:m: 2 call(s).", "rationale written by the model: <script>alert(2)</script> [E1]")
    path.write_text(render_html(big_report, "T", llm), encoding="utf-8")
    return path


def _open(b: Browser, url: str) -> None:
    b.open(url)
    b.evaluate("new Promise(r => { const t = () => window.__findingsReady ? r(1) : setTimeout(t, 20); t(); })")


def _rows(b: Browser) -> list[str]:
    return b.evaluate("Array.from(document.querySelectorAll('#findings-table tbody tr td:first-child')).map(td => td.textContent)")


def test_first_render_lists_findings_lazily(browser, page, big_report):
    _open(browser, page.as_uri())
    assert browser.evaluate("document.getElementById('verdict').textContent") == "NOT CERTIFIED"
    ready = browser.evaluate("window.__reportReady")
    assert ready is not None and ready < 2000
    total = len(big_report.findings)
    assert 0 < len(_rows(browser)) < total  # only the first page of rows is in the DOM
    assert browser.evaluate("document.getElementById('f-count').textContent").endswith(f"({total} findings)")
    browser.evaluate("document.getElementById('more').click()")
    assert len(_rows(browser)) == total


def test_navigation_and_the_finding_page(browser, page):
    _open(browser, page.as_uri())
    browser.evaluate("document.querySelector('#nav a[data-nav=plugins]').click()")
    assert browser.evaluate("location.hash") == "#plugins"
    assert browser.evaluate("document.querySelector('#nav a.active').dataset.nav") == "plugins"
    browser.evaluate("location.hash = '#f/F-hostile'")
    assert browser.evaluate("!document.getElementById('finding-page').hidden")
    text = browser.evaluate("document.getElementById('finding-page').textContent")
    assert "F-hostile" in text and "hop into the sink" in text and "Hostile review" in text
    assert browser.evaluate("document.querySelector('#finding-page pre').textContent").startswith("</pre><script>")
    # the hostile excerpt stayed text: no element it spells was created, nothing ran
    assert browser.evaluate("document.querySelectorAll('script').length") == 3  # two data blocks and ours
    assert browser.evaluate("document.querySelector('img[onerror]') === null && window.__pwned === undefined")
    # a root cause expands to its locations on demand
    browser.evaluate(
        "document.getElementById('rc-blocking').checked = false; document.getElementById('rc-blocking').dispatchEvent(new Event('change'))"
    )
    n = browser.evaluate(
        "(() => { const d = document.querySelector('details.rc'); d.open = true; return new Promise(r => setTimeout(() => r(d.querySelectorAll('ul.locations li').length), 100)); })()"
    )
    assert n == 40


def test_filter_by_severity_and_scope(browser, page, big_report):
    _open(browser, page.as_uri())
    browser.evaluate("{ const s = document.getElementById('f-severity'); s.value = 'critical'; s.dispatchEvent(new Event('change')) }")
    rows = _rows(browser)
    assert rows and set(rows) == {"critical"} and len(rows) == sum(1 for f in big_report.findings if f.severity == "critical")
    browser.evaluate("{ const s = document.getElementById('f-scope'); s.value = 'test'; s.dispatchEvent(new Event('change')) }")
    want = sum(1 for f in big_report.findings if f.severity == "critical" and f.scope == "test")
    assert len(_rows(browser)) == want > 0


def test_full_text_search(browser, page):
    _open(browser, page.as_uri())
    browser.evaluate("{ const q = document.getElementById('search'); q.value = 'NEEDLE-zebra'; q.dispatchEvent(new Event('input')) }")
    got = browser.evaluate(
        "new Promise(r => setTimeout(() => r(Array.from(document.querySelectorAll('#findings-table tbody tr')).map(t => t.dataset.id)), 400))"
    )
    assert got == ["F-hostile"]


def test_screenshot_is_not_blank(browser, page):
    _open(browser, page.as_uri())
    shot = browser.screenshot()
    assert len(shot) > 10_000 and png_colours(shot) > 16


@pytest.mark.skipif(not os.environ.get("DWAGENT_REPORT_HTML"), reason="set DWAGENT_REPORT_HTML to a real report.html to time it")
def test_a_real_report_renders_within_two_seconds(browser):
    target = Path(os.environ["DWAGENT_REPORT_HTML"]).resolve()
    load = browser.open(target.as_uri())
    browser.evaluate("new Promise(r => { const t = () => window.__findingsReady ? r(1) : setTimeout(t, 20); t(); })")
    ready, rows = browser.evaluate("window.__reportReady"), browser.evaluate("window.__findingsReady")
    print(f"load {load:.2f}s, first render at {ready:.0f} ms, findings table at {rows:.0f} ms")
    assert ready is not None and ready < 2000


def test_a_dropped_finding_has_a_page(browser, big_report, tmp_path):
    from dwagent.models import ReviewRecord

    gone = big_report.findings[0].model_copy(
        update={"id": "F-dropped", "review": (ReviewRecord(challenge="test-only", outcome="dropped", detail="only in tests"),)}
    )
    path = tmp_path / "dropped.html"
    path.write_text(render_html(big_report.model_copy(update={"dropped": (gone,)}), "T"), encoding="utf-8")
    _open(browser, path.as_uri() + "#f/F-dropped")
    text = browser.evaluate("document.getElementById('finding-page').textContent")
    assert "dropped by the hostile review" in text and "test-only: dropped" in text

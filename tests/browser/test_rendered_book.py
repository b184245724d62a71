"""The built book as a reader sees it, in headless Chromium (`make browser-test`).

For every page of _toc.yml: it loads, has a title, every image loads, no Python
traceback or raw error shows, figures have captions and alt text, the sidebar
lists every page in order, solution toggles start closed and open on a click,
and a chapter's Colab button opens that chapter's notebook. A full-page
screenshot of each page goes to _build/screenshots/.
"""
import base64
import urllib.request
from pathlib import Path

import pytest
import yaml
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from book_pages import ROOT, SCREENSHOTS, toc_pages

PAGES = toc_pages()
PARTS = [part["caption"] for part in yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
NOTEBOOK_PAGES = {p for p in PAGES if (ROOT / f"{p}.ipynb").exists()}
# what a failed cell, an unresolved reference or a broken glue leaves on a page
RAW_ERRORS = ("Traceback (most recent call last)", "{glue:", "{cite:", "{numref}", "<ipython-input")


def colab_url(page):
    repo = CONFIG["repository"]["url"].removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{repo}/blob/{CONFIG['repository']['branch']}/{page}.ipynb"


@pytest.fixture(scope="module")
def opened(site, browser):
    """Open a page (all its images loaded), unless it is open already. The first time a page
    opens, before any test clicks on it, its screenshot is saved."""
    current, shot = {}, set()

    def open_page(page):
        if current.get("page") != page:
            url = f"{site}/{page}.html"
            with urllib.request.urlopen(url) as response:
                assert response.status == 200
            browser.get(url)
            WebDriverWait(browser, 60).until(lambda d: d.execute_script(
                "return document.readyState === 'complete' && "
                "Array.from(document.images).every(i => { i.loading = 'eager'; return i.complete; })"))
            if page not in shot:
                _screenshot(browser, page)
                shot.add(page)
            current["page"] = page
        return browser

    return open_page


def _screenshot(browser, page):
    size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 16000), "scale": 1}})
    path = SCREENSHOTS / f"{Path(page).name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 10_000


def _main(browser):
    return browser.find_element(By.CSS_SELECTOR, "main article, article.bd-article")


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_with_a_title(opened, page):
    browser = opened(page)
    heading = _main(browser).find_element(By.TAG_NAME, "h1").text.strip().rstrip("#").strip()
    assert heading, f"{page} has no heading"
    assert browser.title.startswith(heading) and CONFIG["title"] in browser.title, browser.title


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads(opened, page):
    browser = opened(page)
    broken = browser.execute_script(
        "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
    assert broken == [], f"broken images on {page}: {broken}"


@pytest.mark.parametrize("page", PAGES)
def test_no_traceback_or_raw_error(opened, page):
    browser = opened(page)
    text = _main(browser).text
    for raw in RAW_ERRORS:
        assert raw not in text, f"{page} shows {raw!r}"
    bad = browser.find_elements(By.CSS_SELECTOR, ".output.traceback, .output.error, .problematic, .system-message")
    assert bad == [], f"{page}: " + "; ".join(e.text[:200] for e in bad)


@pytest.mark.parametrize("page", PAGES)
def test_figures_have_captions_and_alt_text(opened, page):
    browser = opened(page)
    images = _main(browser).find_elements(By.CSS_SELECTOR, "img")
    for image in images:
        alt = (image.get_attribute("alt") or "").strip()
        assert len(alt) > 20 and not alt.endswith((".png", ".svg")), f"{page}: image without alt text: {alt!r}"
        caption = image.find_elements(By.XPATH, "ancestor::figure[1]//figcaption")
        assert caption and caption[0].text.strip(), f"{page}: image without a caption: {alt[:60]!r}"
    if page in NOTEBOOK_PAGES and page != "chapters/03_reproducing_the_article":
        assert images, f"{page} shows no figure"


@pytest.mark.parametrize("page", PAGES)
def test_navigation_lists_every_page_in_order(opened, page, site):
    browser = opened(page)
    links = browser.find_elements(By.CSS_SELECTOR, "nav.bd-docs-nav a.reference.internal")
    hrefs = [a.get_attribute("href").split("#")[0] for a in links]
    assert hrefs == [f"{site}/{p}.html" for p in PAGES]
    captions = [c.text.strip() for c in browser.find_elements(By.CSS_SELECTOR, "nav.bd-docs-nav p.caption")]
    assert captions == PARTS


@pytest.mark.parametrize("page", sorted(NOTEBOOK_PAGES))
def test_solutions_start_hidden_and_open_on_a_click(opened, page):
    browser = opened(page)
    solutions = browser.find_elements(By.CSS_SELECTOR, "div.cell.tag_solution")
    assert len(solutions) >= 2, f"{page}: solutions not found"
    for solution in solutions:
        toggle = solution.find_element(By.CSS_SELECTOR, "details")
        code = solution.find_element(By.CSS_SELECTOR, "div.cell_input pre")
        assert toggle.get_attribute("open") is None and not code.is_displayed()
        summary = toggle.find_element(By.TAG_NAME, "summary")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", summary)
        summary.click()
        WebDriverWait(browser, 5).until(lambda d: code.is_displayed())
        assert "# Solution" in code.text
        summary.click()  # and closed again
        WebDriverWait(browser, 5).until(lambda d: not code.is_displayed())


@pytest.mark.parametrize("page", PAGES)
def test_colab_button_opens_this_chapter(opened, page):
    browser = opened(page)
    links = browser.find_elements(By.CSS_SELECTOR, "a[href*='colab.research.google.com']")
    if page not in NOTEBOOK_PAGES:
        assert links == [], f"{page} is not a notebook but has a Colab button"
        return
    assert [a.get_attribute("href") for a in links] == [colab_url(page)]
    # the button sits in the launch menu of the header: open the menu, and it shows
    menu = browser.find_element(By.CSS_SELECTOR, "button[aria-label='Launch interactive content']")
    menu.click()
    WebDriverWait(browser, 5).until(lambda d: links[0].is_displayed())
    menu.click()


# Pages whose formulas a reader must see typeset. The browser has no route to the internet,
# so a MathJax fetched from a CDN would leave raw TeX here.
MATH_PAGES = ["chapters/03_reproducing_the_article", "chapters/04_the_pruning_schedule"]
RAW_TEX = ("\\frac", "$$", "\\(", "\\[", "\\left", "\\sum")


@pytest.mark.parametrize("page", MATH_PAGES)
def test_formulas_are_typeset_offline(opened, page, site):
    browser = opened(page)
    scripts = [s.get_attribute("src") for s in browser.find_elements(By.CSS_SELECTOR, "script[src*='mathjax' i]")]
    assert scripts and all(src.startswith(site + "/_static/mathjax/") for src in scripts), scripts
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(
        "return window.MathJax && MathJax.startup && MathJax.startup.promise && "
        "document.querySelectorAll('mjx-container').length > 0"))
    browser.execute_async_script("MathJax.startup.promise.then(arguments[arguments.length - 1]);")
    typeset = _main(browser).find_elements(By.CSS_SELECTOR, "mjx-container")
    assert len(typeset) >= 2, f"{page}: {len(typeset)} typeset formulas"
    displayed = [m for m in typeset if m.get_attribute("display") == "true"]
    assert displayed, f"{page}: no display formula was typeset"
    assert not _main(browser).find_elements(By.CSS_SELECTOR, "mjx-merror"), f"{page}: a TeX error"
    prose = browser.execute_script(  # the page's text outside code, outputs and typeset math
        "const a = arguments[0].cloneNode(true);"
        "a.querySelectorAll('pre, .cell_output, mjx-container, mjx-assistive-mml').forEach(e => e.remove());"
        "return a.textContent;", _main(browser))
    for raw in RAW_TEX:
        assert raw not in prose, f"{page} shows raw TeX {raw!r}"
    formula = displayed[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", formula)
    path = SCREENSHOTS / f"math_{Path(page).name}.png"
    path.write_bytes(formula.screenshot_as_png)
    assert path.stat().st_size > 1_000

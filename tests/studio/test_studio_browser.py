"""`segdsl studio` in a real browser: headless Chromium (Debian's `chromium` and
`chromium-driver`) driven by Selenium, typing into the editor as a person does.

Skipped when Chromium, its driver or Selenium is missing, unless
``SEGDSL_REQUIRE_ENGINES=1`` (CI), where that is a failure. Screenshots go to the folder
named by ``SEGDSL_ARTIFACTS`` (default: the test's temporary folder).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from studio_server import Studio

import segdsl
from segdsl.tools.history import take_snapshot

REQUIRE = os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1"
AS_OF = "2026-06-30"


def _missing(why: str) -> None:
    if REQUIRE:
        pytest.fail(f"the studio's browser tests need {why} (SEGDSL_REQUIRE_ENGINES=1)")
    pytest.skip(f"needs {why}")


@pytest.fixture
def browser() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium (pip install 'segdsl[studio-test]')")
    binary = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        _missing("chromium and chromium-driver (bash .ci/setup-studio.sh)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1500,950",
        "--lang=en-US",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SEGDSL_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_for(driver: Any, what: Callable[[Any], Any], timeout: float = 45) -> Any:
    """``what`` until it is truthy; an element replaced while it was read (the page
    redraws as answers arrive) is looked for again, not a failure."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(
        driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    )
    return wait.until(what)


# The editor line holding ``word`` and the word's centre relative to the line's centre
# (where Selenium's offsets start).
WORD_OFFSET = """
const word = arguments[0];
for (const line of document.querySelectorAll('.cm-content .cm-line')) {
  const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const i = node.textContent.indexOf(word);
    if (i < 0) continue;
    const range = document.createRange();
    range.setStart(node, i + 2);
    range.setEnd(node, i + 3);
    const r = range.getBoundingClientRect(), l = line.getBoundingClientRect();
    return [line, Math.round(r.left + r.width / 2 - (l.left + l.width / 2)),
            Math.round(r.top + r.height / 2 - (l.top + l.height / 2))];
  }
}
return null;
"""


def hover_word(driver: Any, word: str) -> str:
    """The text of the tooltip shown with the pointer on ``word`` in the editor (again
    if the editor redrew the line meanwhile)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    def attempt(d: Any) -> str | None:
        try:
            line_el, dx, dy = d.execute_script(WORD_OFFSET, word)
            ActionChains(d).move_to_element_with_offset(line_el, dx, dy).perform()
            tips = d.find_elements(By.CSS_SELECTOR, ".cm-tooltip-hover .hover")
            return str(tips[0].text) if tips else None
        except StaleElementReferenceException:
            return None

    return str(wait_for(driver, attempt))


def click(driver: Any, css: str) -> None:
    """Click what ``css`` selects, again if the list was redrawn under the pointer."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    def attempt(d: Any) -> bool:
        try:
            d.find_element(By.CSS_SELECTOR, css).click()
        except StaleElementReferenceException:
            return False
        return True

    wait_for(driver, attempt)


def members_shown(driver: Any) -> int | None:
    """The size the panel shows, or None while it has none (or is being redrawn: an
    element found a moment ago may be replaced before it is read)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        found = driver.find_elements(By.ID, "size-members")
        if not found or "stale" in driver.find_element(By.ID, "panel").get_attribute("class"):
            return None
        return int(found[0].get_attribute("data-members"))
    except StaleElementReferenceException:
        return None


def test_edit_a_rule_see_the_error_fix_it_see_the_size_save(
    server: Studio, browser: Any, artifacts: Path
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    project = segdsl.load_project(server.root)
    for as_of in ("2026-01-31", "2026-03-31", "2026-05-31", AS_OF):
        take_snapshot(project, ["high_value"], as_of=as_of)
    d = browser
    d.get(f"{server.url}?as_of={AS_OF}")

    # The project's segments are listed.
    listed = "return [...document.querySelectorAll('#segments li')].map(li => li.dataset.segment)"
    # (the classes of segmentations, `rfm.champions` …, are not listed on their own)
    plain = {n for n in project.segments if "." not in n}
    wait_for(d, lambda d: len(d.execute_script(listed)) == len(plain))
    assert set(d.execute_script(listed)) == plain

    # Open high_value from the list: its file, its size.
    click(d, '#segments li[data-segment="high_value"]')
    wait_for(d, lambda d: d.find_element(By.ID, "segname").text == "high_value")
    size = project.evaluate(["high_value"], as_of=AS_OF).sizes["high_value"].members
    wait_for(d, lambda d: members_shown(d) == size)
    assert d.find_element(By.ID, "filename").text == "value.seg"
    # Its size history, from the snapshots.
    wait_for(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#history svg circle")) == 4)
    # Its profile: the most distinctive values and numbers against everyone (a row per
    # attribute or measure shown, each with an index).
    wait_for(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#profile table tr")) > 2)
    from segdsl.tools.measure.profile import profile

    want = profile(project, "high_value", as_of=project.as_of(AS_OF))
    names = [c.text for c in d.find_elements(By.CSS_SELECTOR, "#profile table tr td:first-child")]
    assert names[0] == (want.categorical + want.lists)[0].name, names
    assert want.numeric[0].name in names, names

    # Hovering a name says what it is: here the measure and its definition.
    tip = hover_word(d, "spend_365d")
    assert "measure spend_365d" in tip and "sum(purchase.amount" in tip
    ActionChains(d).move_to_element(d.find_element(By.ID, "segname")).perform()
    wait_for(d, lambda d: not d.find_elements(By.CSS_SELECTOR, ".cm-tooltip-hover"))
    click(d, '#segments li[data-segment="high_value"]')  # the cursor back on line 4

    # Type at the end of its `where` line (line 9): completion offers `age`, then a typo.
    lines = (server.root / "value.seg").read_text(encoding="utf-8").split("\n")
    where_line = next(
        i for i, t in enumerate(lines, 1) if t.strip() == "where top 20% by spend_365d"
    )
    keys = ActionChains(d)
    for _ in range(where_line - 4):  # the cursor starts on the `segment` line (4)
        keys.send_keys(Keys.ARROW_DOWN)
    keys.send_keys(Keys.END, " and ag").perform()
    option = wait_for(
        d,
        lambda d: [
            li
            for li in d.find_elements(By.CSS_SELECTOR, ".cm-tooltip-autocomplete li")
            if li.text.startswith("age")
        ],
    )
    assert option
    ActionChains(d).send_keys("ee > 30").perform()

    # The error, at the right line, and underlined in the editor.
    # (A check of the text typed so far, `ag`, may have answered first: wait for `agee`.)
    problems = (
        "return [...document.querySelectorAll('#problems li.error')]"
        ".map(li => [li.dataset.code, li.dataset.line, li.textContent])"
    )
    found = wait_for(
        d, lambda d: [p for p in d.execute_script(problems) if "`agee`" in p[2]] or None
    )
    assert len(found) == 1
    code, line, text = found[0]
    assert (code, line) == ("E201", str(where_line))
    assert "did you mean `age`" in text
    marks = (
        "return [...document.querySelectorAll('.cm-lintRange-error')].map(m => "
        "[m.textContent, m.closest('.cm-line').textContent])"
    )
    marked = wait_for(d, lambda d: [m for m in d.execute_script(marks) if m[0] == "agee"] or None)
    assert marked == [["agee", "  where top 20% by spend_365d and agee > 30"]]
    assert "error" in d.find_element(By.ID, "status").text
    d.save_screenshot(str(artifacts / "studio-error.png"))

    # Fix it: the error goes, the size changes to that of the new rule.
    fixed_rule = "top 20% by spend_365d and age > 30"
    expected = project.evaluate([project.rule(fixed_rule)], as_of=AS_OF)
    new_size = next(iter(expected.sizes.values())).members
    assert new_size != size
    ActionChains(d).send_keys(Keys.BACKSPACE * len("agee > 30"), "age > 30", Keys.ESCAPE).perform()
    wait_for(d, lambda d: not d.find_elements(By.CSS_SELECTOR, "#problems li.error"))
    wait_for(d, lambda d: members_shown(d) == new_size)
    assert d.find_element(By.ID, "status").text == "no problems"
    rows = d.find_elements(By.CSS_SELECTOR, "#waterfall tr")
    assert len(rows) == 3  # all customers, then the two parts
    assert rows[-1].find_elements(By.TAG_NAME, "td")[1].text == f"{new_size:,}"
    d.save_screenshot(str(artifacts / "studio-fixed.png"))

    # Save: the diff against git HEAD first, then the file is written.
    d.find_element(By.ID, "save").click()
    wait_for(d, lambda d: "open" in d.find_element(By.ID, "dialog").get_attribute("class"))
    diff = d.find_element(By.ID, "diff").text
    assert f"+  where {fixed_rule}" in diff and "-  where top 20% by spend_365d" in diff
    d.save_screenshot(str(artifacts / "studio-diff.png"))
    d.find_element(By.ID, "confirm-save").click()
    wait_for(d, lambda d: d.find_element(By.ID, "status").text == "saved value.seg")
    saved = (server.root / "value.seg").read_text(encoding="utf-8")
    assert f"  where {fixed_rule}\n" in saved
    assert (
        segdsl.load_project(server.root)
        .evaluate(["high_value"], as_of=AS_OF)
        .sizes["high_value"]
        .members
        == new_size
    )

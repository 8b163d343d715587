"""Helpers for the portal's browser test: Debian's chromium driven by Playwright, with a watch
on every page for console errors, 5xx answers and a missing <h1>, and a screenshot per step.

No browser is ever downloaded: Playwright drives the system's /usr/bin/chromium (.ci/run
installs it). Without it, or without the playwright package, the test skips, unless
VOXTUNE_REQUIRE_BROWSER is set (CI sets it), where it fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Response

CHROMIUM = Path(os.environ.get("VOXTUNE_CHROMIUM", "/usr/bin/chromium"))  # Debian's

# Every page the browser loads reports a missing top heading as a console error, which the
# console watch below turns into a failure: pages passed through on the way count too.
_HEADING_CHECK = """
document.addEventListener("DOMContentLoaded", () => {
  if (document.contentType === "text/html" && !document.querySelector("h1"))
    console.error("page without a heading (<h1>): " + location.href);
});
"""


def require_browser() -> None:
    """Skip the calling test module (fail it in CI) unless playwright and chromium are here."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the playwright package (pip install -e '.[dev]')"
    else:
        executable = CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
        missing = "" if executable else f"chromium at {CHROMIUM} (apt-get install chromium)"
    if not missing:
        return
    if os.environ.get("VOXTUNE_REQUIRE_BROWSER"):
        raise RuntimeError(f"the portal's browser test needs {missing}")
    pytest.skip(f"the portal's browser test needs {missing}", allow_module_level=True)


class Walk:
    """One page of a browser, watched: `problems` collects what must fail the test, and `shot`
    saves a numbered screenshot of each step after checking the page has a heading."""

    def __init__(self, page: Page, shots: Path) -> None:
        self.page = page
        self.shots = shots
        self.problems: list[str] = []
        self.count = 0
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            source = message.location.get("url", "")
            self.problems.append(f"console error on {self.page.url} ({source}): {message.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 500:
            self.problems.append(f"{response.status} from {response.request.method} {response.url}")

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)

    def shot(self, name: str) -> Path:
        """Screenshot the page as step `name` (after checking it is sound so far)."""
        self.page.wait_for_load_state()
        heading = self.page.get_by_role("heading", level=1)
        assert heading.count() >= 1, f"step {name}: {self.page.url} has no <h1>"
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.shots / f"{self.count:02d}-{slug}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.check()
        return path


def _keep_failure(walk: Walk) -> None:
    """The page as the walk failed on it, beside the steps' screenshots (best effort)."""
    try:
        walk.page.screenshot(path=str(walk.shots / "99-failed.png"), full_page=True)
        (walk.shots / "99-failed.html").write_text(walk.page.content(), encoding="utf-8")
    except Exception:  # the browser itself went away: the error being raised says why
        pass


@contextmanager
def browser_walk(base_url: str, shots: Path) -> Iterator[Walk]:
    """A fresh headless chromium on one page at `base_url`; its screenshots go to `shots` (and
    are copied to $VOXTUNE_SCREENSHOTS too, when set, even when the walk fails)."""
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    # the sandbox needs user namespaces a root process in a container does not get; a
    # container's /dev/shm is often too small for a full-page screenshot
    args = ["--disable-dev-shm-usage", *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=args
            )
            try:
                context = browser.new_context(
                    base_url=base_url, viewport={"width": 1280, "height": 860}
                )
                context.add_init_script(_HEADING_CHECK)
                page = context.new_page()
                page.set_default_timeout(30_000)
                walk = Walk(page, shots)
                try:
                    yield walk
                except BaseException:
                    _keep_failure(walk)
                    raise
            finally:
                browser.close()
    finally:
        target = os.environ.get("VOXTUNE_SCREENSHOTS")
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            for path in sorted([*shots.glob("*.png"), *shots.glob("*.html")]):
                shutil.copy2(path, Path(target) / path.name)

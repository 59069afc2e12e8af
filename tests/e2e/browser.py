"""A real headless Chromium (Debian's ``chromium`` package), driven by Playwright.

The browser tests use Home Assistant the way a person does, so they need the
browser itself. Without it they are skipped with the command that installs
it; CI sets OFFGRID_BROWSER_TESTS=required, which turns that skip into a
failure, so they never go quietly missing there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
import os
from pathlib import Path
import shutil
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.async_api import ConsoleMessage, Error, Page, Route

ROOT = Path(__file__).parent.parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
INSTALL_HINT = (
    "the browser tests need Debian's Chromium: `apt-get install chromium` "
    "(and `pip install -r requirements/test.txt` for Playwright)"
)
# What a quiet, private, reproducible headless browser needs: no sandbox (we
# may run as root in a container), no GPU, no QUIC, and nothing that phones home.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
# Anything not served by the Home Assistant under test (brand images from the
# internet) gets this: a transparent pixel, so the page neither waits nor logs.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
# Frontend steps that wait for Home Assistant (a config flow probing a device).
ACTION_TIMEOUT_MS = 60_000


def chromium_or_skip() -> str:
    """The Chromium executable, or skip (fail under CI) with how to install it."""
    path = shutil.which("chromium")
    try:
        import playwright  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        if os.environ.get("OFFGRID_BROWSER_TESTS") == "required":
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    return path


@dataclass
class BrowserLog:
    """What the page complained about while the test used it."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def mentioning(self, *words: str) -> list[str]:
        """The complaints that name any of ``words`` (our domain, our entity ids)."""
        return [
            line
            for line in [*self.console_errors, *self.page_errors]
            if any(word in line for word in words)
        ]


@asynccontextmanager
async def browser_page(origin: str, profile: Path) -> AsyncIterator[tuple[Page, BrowserLog]]:
    """A fresh Chromium profile and one page, that may only reach ``origin``."""
    executable = chromium_or_skip()
    from playwright.async_api import async_playwright

    log = BrowserLog()

    async def outside(route: Route) -> None:
        await route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def page_error(error: Error) -> None:
        log.page_errors.append(f"{error.name}: {error.message}\n{error.stack or ''}")

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            args=CHROMIUM_FLAGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            locale="en-US",
        )
        try:
            context.set_default_timeout(ACTION_TIMEOUT_MS)
            await context.route(lambda url: not url.startswith(origin), outside)
            page = context.pages[0] if context.pages else await context.new_page()
            page.on("console", console)
            page.on("pageerror", page_error)
            yield page, log
        finally:
            await context.close()


async def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save the page (the window, or all of it) as build/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=path, full_page=full_page)
    return path

"""The product seen in a real browser: a headless Chromium uses the Home Assistant of `make demo`.

Everything here is done as a person does it, by clicking and typing in Home
Assistant's own frontend; screenshots of each step land in build/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_socket

from simulators.powmr.simulator import PowmrSimulator, SimulatorConfig

if TYPE_CHECKING:
    from playwright.async_api import Page

from .browser import BrowserLog, browser_page, chromium_or_skip, screenshot
from .demo_run import RunningDemo, demo_release_only, running_demo

# A card's text as a person sees it: through its shadow roots.
COMPOSED_TEXT = """element => {
    const seen = [];
    const walk = node => {
        if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) {
            seen.push(node.textContent.trim());
        }
        if (node.shadowRoot) walk(node.shadowRoot);
        node.childNodes.forEach(walk);
    };
    walk(element);
    return seen.join("\\n");
}"""

pytestmark = [pytest.mark.xdist_group("demo"), demo_release_only]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    """One `make demo` for the whole module (it takes a minute to start)."""
    chromium_or_skip()
    # Module fixtures run after the per-test socket guard; the demo's free
    # port is found on loopback, like everything else here.
    pytest_socket.enable_socket()
    with running_demo(tmp_path_factory.mktemp("demo")) as running:
        yield running


async def test_a_person_adds_a_powmr_inverter(demo: RunningDemo, tmp_path: Path) -> None:
    """Settings → Devices & services → Add integration → Off-Grid Power → PowMr → the form."""
    async with (
        PowmrSimulator(SimulatorConfig(modbus_tcp_port=0)) as inverter,
        browser_page(demo.url, tmp_path / "profile") as (page, log),
    ):
        # The trusted network logs the browser in. Devices & services is opened by its
        # address: a click on the sidebar while the frontend is still starting on a busy
        # machine can be lost, and the flow itself is what this test walks.
        await page.goto(f"{demo.url}/config/integrations/dashboard")
        await page.get_by_role("button", name="Add integration").click()
        await page.get_by_label("Search for a brand name").fill("Off-Grid")
        await screenshot(page, "flow-1-brand")
        await (
            page.locator("dialog-add-integration").get_by_text("Off-Grid Power", exact=True).click()
        )

        flow = page.locator("dialog-data-entry-flow")
        await flow.get_by_text("PowMr").first.click()
        await flow.get_by_label("Modbus TCP (TCP-to-RTU gateway)").check()
        await screenshot(page, "flow-2-transport")
        await flow.get_by_role("button", name="Submit").click()
        await flow.get_by_label("Host").fill("127.0.0.1")
        await flow.get_by_label("Port").fill(str(inverter.modbus_tcp_port))
        await screenshot(page, "flow-3-address")
        await flow.get_by_role("button", name="Submit").click()

        # The inverter is probed, then the entry and its device are created.
        title = f"PowMr 127.0.0.1:{inverter.modbus_tcp_port}"
        await flow.get_by_text("Success!").wait_for()
        await flow.get_by_text(f"Created configuration for {title}.").wait_for()
        await screenshot(page, "flow-4-created")
        await flow.get_by_role("button", name="Finish").click()

        # The integration's page lists the new entry; its device page shows live readings.
        await page.goto(f"{demo.url}/config/integrations/integration/offgrid_power")
        await page.get_by_text(title).first.wait_for()
        await screenshot(page, "flow-5-entry")
        await page.locator("ha-md-list-item", has_text=title).get_by_text("1 device").click()
        await page.get_by_text("Battery voltage").first.wait_for()
        await screenshot(page, "device-page")

        assert log.mentioning("offgrid_power") == [], log


async def _every_card_rendered(page: Page, log: BrowserLog) -> None:
    """No error card, no "entity not available" warning, no page error."""
    assert await page.locator("hui-error-card").count() == 0
    warnings = await page.locator("hui-warning").all_inner_texts()
    assert warnings == []
    assert log.page_errors == []
    assert log.mentioning("offgrid", "off_grid") == [], log


async def test_the_system_dashboard_shows_live_values(demo: RunningDemo, tmp_path: Path) -> None:
    """The demo made the dashboard with the system's button and opens on it."""
    dashboard = demo.ready_page()
    assert "/offgrid-" in dashboard, demo.output()
    async with browser_page(demo.url, tmp_path / "profile") as (page, log):
        await page.goto(dashboard)
        # Today: the live values and insights as tiles, the four graphs, the energy cards.
        tiles = page.locator("hui-tile-card")
        await tiles.nth(9).wait_for()
        graphs = page.locator("hui-history-graph-card")
        assert await graphs.count() == 4
        for index in range(4):
            await graphs.nth(index).locator("ha-chart-base").wait_for()
        await page.locator("hui-energy-solar-graph-card ha-chart-base").wait_for()
        await page.locator("hui-energy-sources-table-card table").wait_for()
        await _every_card_rendered(page, log)

        texts = [await tile.evaluate(COMPOSED_TEXT) for tile in await tiles.all()]
        assert not [text for text in texts if "Unavailable" in text], texts
        # The "Now" tiles (state of charge, solar, battery, load, balance) show numbers.
        now = [text.split("\n")[-1] for text in texts[:5]]
        assert all(any(c.isdigit() for c in value) for value in now), texts
        # The voltage graph draws the absorption and float targets by name,
        # of both chargers (the inverter and the Combi), each line its own.
        voltage = graphs.first
        for target in ("Absorption target", "Float target"):
            await voltage.get_by_text(target).first.wait_for()
            assert await voltage.get_by_text(target).count() == 2
        await screenshot(page, "system-dashboard")
        await screenshot(page, "system-dashboard-full", full_page=True)

        # Any day from midnight to midnight, on the Energy date picker.
        await page.goto(f"{dashboard}/days")
        await page.locator("hui-energy-date-selection-card").wait_for()
        assert await page.locator("hui-statistics-graph-card").count() == 4
        await _every_card_rendered(page, log)
        await screenshot(page, "system-dashboard-days")

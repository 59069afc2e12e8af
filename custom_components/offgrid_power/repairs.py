"""Fix flows for the integration's repair issues."""

from __future__ import annotations

from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant

from .system.dashboard import ISSUE_DASHBOARD_LEFT, async_remove


class RemoveDashboardFlow(RepairsFlow):
    """Asks, then removes the dashboard a removed off-grid system left behind."""

    def __init__(self, url_path: str, placeholders: dict[str, str]) -> None:
        self._url_path = url_path
        self._placeholders = placeholders

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Start with the question."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Remove the dashboard once the user agrees."""
        if user_input is not None:
            await async_remove(self.hass, self._url_path)
            return self.async_create_entry(data={})
        return self.async_show_form(step_id="confirm", description_placeholders=self._placeholders)


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The flow that fixes ``issue_id``."""
    if issue_id.startswith(ISSUE_DASHBOARD_LEFT) and data is not None:
        return RemoveDashboardFlow(str(data["url_path"]), {"title": str(data.get("title") or "")})
    return ConfirmRepairFlow()

"""The demo's system dashboard, made the way a user makes it: the system device's button.

The demo then opens on it. On later runs the press rewrites the same dashboard
in place, which is the point of the button.
"""

from __future__ import annotations

from .demo_api import DemoApi


async def create_dashboard(api: DemoApi) -> str:
    """Press the system's "Create dashboard" button; the dashboard's url path."""
    button = next(
        (
            entity
            for entity in await api.entity_registry()
            if entity["platform"] == "offgrid_power"
            and entity["unique_id"].endswith("_create_dashboard")
        ),
        None,
    )
    if button is None:
        raise RuntimeError("there is no off-grid system with a dashboard button")
    await api.press(button["entity_id"])
    # custom_components/offgrid_power/system/dashboard.py: one url per system entry.
    return f"offgrid-{button['config_entry_id'].lower()}"

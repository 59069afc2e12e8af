"""Any exception from one update: the coordinator survives, and says so once per streak."""

from __future__ import annotations

from datetime import timedelta
import logging
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
import pytest

from custom_components.offgrid_power.const import LOGGER
from custom_components.offgrid_power.update_guard import guarded_update
from custom_components.offgrid_power.victron.decoder import AdvertisementDecoder

from .victron.conftest import service_info

FAILURES = [RuntimeError("boom"), OverflowError("date"), ZeroDivisionError(), KeyError("x")]


class _Flaky(DataUpdateCoordinator[int]):
    def __init__(self, hass: HomeAssistant) -> None:
        super().__init__(
            hass, LOGGER, config_entry=None, name="flaky", update_interval=timedelta(hours=1)
        )
        self.raises: Exception | None = None

    @guarded_update
    async def _async_update_data(self) -> int:
        if self.raises is not None:
            raise self.raises
        return 1


async def test_any_exception_is_a_failed_update_logged_once(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    coordinator = _Flaky(hass)
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    caplog.clear()
    for failure in FAILURES:
        coordinator.raises = failure
        await coordinator.async_refresh()
        assert not coordinator.last_update_success
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    # Home Assistant's own "Unexpected error fetching" would repeat on every update.
    assert "Unexpected error fetching" not in caplog.text
    coordinator.raises = None
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert coordinator.data == 1


async def test_the_victron_decoder_survives_anything_and_logs_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    decoder = AdvertisementDecoder(key=bytes(16), on_key_rejected=lambda: None)
    advertisement = service_info(bytes.fromhex("1000a0a30100aa") + bytes(10))
    with patch.object(AdvertisementDecoder, "_decode", side_effect=RuntimeError("boom")):
        for _ in range(3):
            update = decoder(advertisement)
            assert update.record is None
    assert decoder.errors["unexpected"] == 3
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert decoder(service_info(bytes.fromhex("1000a0a30100ab") + bytes(10))).record is None
    assert decoder.errors["unexpected"] == 3

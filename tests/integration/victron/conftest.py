"""Home Assistant's Bluetooth stack with advertisements fed in by the tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
import inspect
from unittest.mock import MagicMock, patch

from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData
from bluetooth_data_tools import monotonic_time_coarse
from homeassistant import loader
from homeassistant.components.bluetooth import (
    BluetoothServiceInfoBleak,
    async_get_advertisement_callback,
)
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.offgrid_power.const import CONF_FAMILY, DOMAIN, Family
from custom_components.offgrid_power.protocol.victron import (
    LAYOUTS,
    VICTRON_COMPANY_ID,
    build_advertisement,
)

ADDRESS = "C0:3A:1B:2C:3D:4E"
# Public vector V1: a BlueSolar MPPT 75/15 and its key.
SOLAR_KEY = "adeccb947395801a4dd45a2eaa44bf17"
SOLAR_ADVERT = bytes.fromhex("100242a0016207adceb37b605d7e0ee21b24df5c")
# Public vector V2: a SmartShunt.
SHUNT_KEY = "aff4d0995b7d1e176c0c33ecb9e70dcd"
SHUNT_ADVERT = bytes.fromhex("100289a302b040af925d09a4d89aa0128bdef48c6298a9")
OTHER_KEY = "00112233445566778899aabbccddeeff"

type Inject = Callable[..., None]
# bleak < 1 wants an RSSI for a BLEDevice; bleak 1.x deprecates it.
_BLE_DEVICE_EXTRA = (
    {"rssi": -60} if "rssi" in inspect.signature(BLEDevice.__init__).parameters else {}
)


@pytest.fixture
async def bluetooth(
    hass: HomeAssistant, mock_bleak_scanner_start: MagicMock, mock_bluetooth_adapters: None
) -> AsyncIterator[None]:
    """Set up Bluetooth with one (mocked) local adapter.

    Home Assistant 2026.x ships the core ``victron_ble`` integration with the
    same matcher; its parser library is not installed here, so its discovery
    is taken out, as if the user had not installed it.
    """
    matchers = [m for m in loader.BLUETOOTH if m["domain"] != "victron_ble"]
    with patch.object(loader, "BLUETOOTH", matchers):
        MockConfigEntry(domain="bluetooth", unique_id="00:00:00:00:00:01").add_to_hass(hass)
        assert await async_setup_component(hass, "bluetooth", {})
        await hass.async_block_till_done()
        yield


def service_info(
    data: bytes,
    *,
    address: str = ADDRESS,
    name: str | None = "SmartSolar HQ2209ABCDE",
    rssi: int = -61,
    time: float | None = None,
) -> BluetoothServiceInfoBleak:
    manufacturer_data = {VICTRON_COMPANY_ID: data}
    return BluetoothServiceInfoBleak(
        name=name or address,
        address=address,
        rssi=rssi,
        manufacturer_data=manufacturer_data,
        service_data={},
        service_uuids=[],
        source="local",
        device=BLEDevice(address, name, {}, **_BLE_DEVICE_EXTRA),
        advertisement=AdvertisementData(
            local_name=name,
            manufacturer_data=manufacturer_data,
            service_data={},
            service_uuids=[],
            tx_power=-127,
            rssi=rssi,
            platform_data=(),
        ),
        connectable=False,
        time=monotonic_time_coarse() if time is None else time,
        tx_power=-127,
    )


@pytest.fixture
def inject(hass: HomeAssistant, bluetooth: None) -> Inject:
    """Deliver an advertisement as a local adapter would."""

    def _inject(data: bytes, **kwargs: object) -> None:
        async_get_advertisement_callback(hass)(service_info(data, **kwargs))  # type: ignore[arg-type]

    return _inject


def advert(record_type: int, product_id: int, key: str, *, nonce: int, **raw: int) -> bytes:
    """An advertisement of any record type with the given raw field values (the rest zero)."""
    payload = LAYOUTS[record_type].encode(raw)
    return build_advertisement(
        record_type, payload, bytes.fromhex(key), product_id=product_id, nonce=nonce
    )


def solar_advert(*, nonce: int, key: str = SOLAR_KEY, **raw: int) -> bytes:
    """A solar-charger advertisement with the given raw field values."""
    fields = {
        "device_state": 3,
        "charger_error": 0,
        "battery_voltage": 1300,
        "battery_current": 100,
        "yield_today": 150,
        "pv_power": 200,
        "load_current": 0,
    } | raw
    return advert(0x01, 0xA042, key, nonce=nonce, **fields)


def victron_entry(
    key: str = SOLAR_KEY, address: str = ADDRESS, options: dict[str, str] | None = None
) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="SmartSolar HQ2209ABCDE",
        unique_id=address,
        data={CONF_FAMILY: Family.VICTRON.value, "address": address, "key": key},
        options=options or {},
        entry_id="victron_entry",
    )

"""HTTP client for the ESP32 PowMr dongle firmware's `/api/status` JSON.

Two layouts exist: the README's (PV fields inside `dc`) and the current
firmware's (a separate `pv` group, `power_factor` in `ac`). Both map to the
same `PowmrSnapshot` as a Modbus poll; values the firmware derives itself are
added under the names `derived.DerivedValues` uses. The firmware keeps
serving its previous values after a failed read, so a document counts only
when `inverter.valid_info` is 1.

The body is outside data: it is read up to a size limit, must be UTF-8 JSON of
bounded depth, and its `NaN`/`Infinity` constants (which the firmware's JSON
library writes for a value it cannot compute) read as "not available". Every
number then passes the same plausibility gate as a Modbus poll.
"""

from __future__ import annotations

from collections.abc import Mapping
import json
import math

import aiohttp

from ..redact import mask_address_in, safe_address
from .codec import PowmrSnapshot, checked_snapshot
from .errors import PowmrConnectionError, PowmrInvalidDataError, PowmrTimeoutError
from .readings import Value
from .registers import FAMILY_A, PowmrFamily

# A status document is ~2 KB; anything near this is not the dongle talking.
MAX_BODY_BYTES = 256 * 1024
# The document is two levels deep; Python's parser recurses once per level.
MAX_DEPTH = 16

# (group, field) → snapshot key; a PV field is looked up in `pv` first, then in `dc`.
_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("ac", "input_voltage", "grid_voltage"),
    ("ac", "input_freq", "grid_frequency"),
    ("ac", "output_voltage", "output_voltage"),
    ("ac", "output_freq", "output_frequency"),
    ("ac", "output_load_percent", "load_percent"),
    ("ac", "output_va", "output_apparent_power"),
    ("ac", "output_watts", "output_active_power"),
    ("ac", "power_factor", "power_factor"),
    ("dc", "voltage", "battery_voltage"),
    ("dc", "charge_current", "battery_charge_current"),
    ("dc", "discharge_current", "battery_discharge_current"),
    ("dc", "charge_power", "charge_power"),
    ("dc", "discharge_power", "discharge_power"),
    ("dc", "voltage_corrected", "battery_voltage_corrected"),
    ("dc", "batt_v_compensation_k", "series_resistance"),
    ("dc", "new_k", "series_resistance_sample"),
    ("pv", "pv_voltage", "pv_voltage"),
    ("pv", "pv_power", "pv_power"),
    ("pv", "pv_current", "pv_current"),
    ("pv", "pv_energy_produced", "pv_energy_today"),
    ("inverter", "temp", "temperature"),
    ("inverter", "soc", "soc_estimate"),
    ("inverter", "battery_energy", "stored_energy"),
    ("inverter", "eff_w", "efficiency"),
    ("inverter", "autonomy", "autonomy_minutes"),
    ("inverter", "energy_spent_ac", "output_energy"),
    ("inverter", "read_time", "read_time_ms"),
)

# (group, field) → register whose enum decodes the code.
_ENUMS: tuple[tuple[str, str, int], ...] = (
    ("inverter", "op_mode", 4501),
    ("inverter", "charger", 4555),
    ("inverter", "charger_source_priority", 4536),
    ("inverter", "output_source_priority", 4537),
)


def _group(payload: Mapping[str, object], name: str) -> Mapping[str, object]:
    group = payload.get(name)
    return group if isinstance(group, dict) else {}


def _number(group: Mapping[str, object], field: str) -> float | int | None:
    value = group.get(field)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _code(group: Mapping[str, object], field: str) -> int | None:
    """An enum code: a whole number a register could hold, else not available."""
    number = _number(group, field)
    if number is None or not math.isfinite(number) or number != int(number):
        return None
    code = int(number)
    return code if 0 <= code <= 0xFFFF else None


def _lookup(payload: Mapping[str, object], group: str, field: str) -> float | int | None:
    value = _number(_group(payload, group), field)
    if value is None and group == "pv":
        return _number(_group(payload, "dc"), field)
    return value


def parse_status(payload: object) -> PowmrSnapshot:
    """Map one `/api/status` document to a snapshot; raise unless it is marked valid."""
    if not isinstance(payload, dict):
        raise PowmrInvalidDataError("status document is not a JSON object")
    if _number(_group(payload, "inverter"), "valid_info") != 1:
        raise PowmrInvalidDataError("dongle reports no valid data (valid_info != 1)")
    values: dict[str, Value] = dict.fromkeys(FAMILY_A.keys)
    for group, field, key in _NUMBERS:
        values[key] = _lookup(payload, group, field)
    for group, field, address in _ENUMS:
        code = _code(_group(payload, group), field)
        options = FAMILY_A.by_address[address].options or {}
        key = FAMILY_A.by_address[address].key
        values[key] = None if code is None else options.get(code, f"unknown_{code}")
    return checked_snapshot(PowmrFamily.FAMILY_A, values, {})


def parse_body(body: bytes) -> object:
    """The JSON document of a response body; raise `PowmrInvalidDataError` for anything else."""
    if len(body) > MAX_BODY_BYTES:
        raise PowmrInvalidDataError(f"status document larger than {MAX_BODY_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise PowmrInvalidDataError("status document is not UTF-8") from err
    if _depth(text) > MAX_DEPTH:
        raise PowmrInvalidDataError(f"status document nested deeper than {MAX_DEPTH}")
    try:
        return json.loads(text, parse_constant=lambda _constant: None)
    except ValueError as err:
        raise PowmrInvalidDataError("status document is not valid JSON") from err


async def _read_body(response: aiohttp.ClientResponse) -> bytes:
    """The whole body, or just over the limit (enough to know it is too large).

    One `read(n)` returns only what has arrived so far, a part of the body when
    it comes in several segments; reading to the end also makes a link lost
    mid-body an `aiohttp.ClientPayloadError` rather than half a document.
    """
    body = bytearray()
    async for chunk in response.content.iter_any():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            break
    return bytes(body)


def _depth(text: str) -> int:
    """An upper bound of the nesting depth (brackets inside strings count too)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class DongleClient:
    """Polls one dongle through a session the caller owns (Home Assistant's shared session)."""

    def __init__(
        self, session: aiohttp.ClientSession, host: str, port: int = 80, timeout: float = 10.0
    ) -> None:
        self.session = session
        self.url = f"http://{host}:{port}/api/status"
        # A host typed as ``user:password@host`` must not reach errors and logs.
        self._shown_url = safe_address(self.url)
        self.timeout = timeout

    async def read_snapshot(self) -> PowmrSnapshot:
        return parse_status(await self.read_status())

    async def read_status(self) -> object:
        """The raw JSON document, for diagnostics."""
        try:
            async with self.session.get(
                self.url, timeout=aiohttp.ClientTimeout(total=self.timeout)
            ) as response:
                if response.status != 200:
                    raise PowmrConnectionError(f"{self._shown_url} answered HTTP {response.status}")
                body = await _read_body(response)
        except TimeoutError as err:
            raise PowmrTimeoutError(
                f"{self._shown_url} did not answer in {self.timeout} s"
            ) from err
        except aiohttp.ClientError as err:
            raise PowmrConnectionError(
                f"{self._shown_url}: {mask_address_in(str(err), self.url)}"
            ) from err
        try:
            return parse_body(body)
        except PowmrInvalidDataError as err:
            raise PowmrInvalidDataError(f"{self._shown_url}: {err}") from err

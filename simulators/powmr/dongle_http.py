"""An HTTP emulator of the ESP32 PowMr dongle firmware's `/api/status`.

It serves either JSON layout (the README's, or the current firmware's with a
`pv` group) from the same inverter model the Modbus servers use, and can be
told to fail the way the firmware does.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum
import json
from typing import Any

from aiohttp import web

from custom_components.offgrid_power.protocol.powmr.codec import decode
from custom_components.offgrid_power.protocol.powmr.registers import FAMILY_A, swap_bytes

from .family_a import FamilyAModel


class DongleSchema(StrEnum):
    README = "readme"
    CURRENT = "current"


class DongleFault(StrEnum):
    NONE = "none"
    HTTP_500 = "http_500"
    INVALID = "invalid"  # valid_info 0, values stale
    MISSING_KEYS = "missing_keys"
    STALL = "stall"  # no answer until the emulator stops
    NOT_JSON = "not_json"  # an HTML error page with status 200, as a captive portal sends
    NOT_UTF8 = "not_utf8"  # the document in Latin-1 with a non-ASCII name
    CUT = "cut"  # the link is lost half-way through the body


def status_document(model: FamilyAModel, schema: DongleSchema) -> dict[str, dict[str, float]]:
    logical = model.registers()
    readings = decode(
        FAMILY_A, {4501: [swap_bytes(logical[a]) for a in range(4501, 4562)]}
    ).readings

    def number(value: float | None) -> float:
        return float(value or 0.0)

    volts, pv_v = number(readings.battery_voltage), number(readings.pv_voltage)
    pv_w = number(readings.pv_power)
    charge_a = number(readings.battery_charge_current)
    discharge_a = number(readings.battery_discharge_current)
    output_w = number(readings.output_active_power)
    output_va = number(readings.output_apparent_power)
    pv = {
        "pv_voltage": pv_v,
        "pv_power": pv_w,
        "pv_current": pv_w / pv_v if pv_v >= 6 else 0.0,
    }
    dc = {
        "voltage": volts,
        "voltage_corrected": round(volts - 0.01 * (charge_a - discharge_a), 2),
        "charge_current": charge_a,
        "discharge_current": discharge_a,
        "charge_power": round(volts * charge_a, 1),
        "discharge_power": round(volts * discharge_a, 1),
        "batt_v_compensation_k": 0.01,
        "new_k": 0,
    }
    ac = {
        "input_voltage": number(readings.grid_voltage),
        "input_freq": number(readings.grid_frequency),
        "output_voltage": number(readings.output_voltage),
        "output_freq": number(readings.output_frequency),
        "output_load_percent": number(readings.load_percent),
        "output_va": output_va,
        "output_watts": output_w,
    }
    inverter = {
        "valid_info": 1,
        "op_mode": logical[4501],
        "charger": logical[4555],
        "temp": number(readings.temperature),
        "soc": round(model.soc * 100),
        "eff_w": round(100 * output_w / max(1.0, pv_w + volts * discharge_a), 1),
    }
    if schema is DongleSchema.README:
        return {
            "ac": ac,
            "dc": dc | pv,
            "inverter": inverter
            | {
                "read_interval_ms": 15000,
                "charger_source_priority": logical[4536],
                "output_source_priority": logical[4537],
            },
        }
    return {
        "ac": ac | {"power_factor": round(min(1.0, output_w / output_va), 3) if output_va else 1},
        "dc": dc,
        "pv": pv | {"pv_energy_produced": 0},
        "inverter": inverter
        | {"battery_energy": round(model.stored_wh), "read_interval": 15, "autonomy": 2880},
    }


class DongleEmulator:
    def __init__(self, model: FamilyAModel, schema: DongleSchema = DongleSchema.CURRENT) -> None:
        self.model = model
        self.schema = schema
        self.fault = DongleFault.NONE
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()

    async def start(self, host: str, port: int) -> int:
        app = web.Application()
        app.router.add_get("/api/status", self._status)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        # aiohttp exposes the bound socket (needed for port 0) only on the private server.
        server: Any = site._server
        self.port = int(server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _status(self, request: web.Request) -> web.StreamResponse:
        if self.fault is DongleFault.STALL:
            await self._stopping.wait()
        if self.fault is DongleFault.HTTP_500:
            return web.Response(status=500, text="internal error")
        document = status_document(self.model, self.schema)
        if self.fault is DongleFault.INVALID:
            document["inverter"]["valid_info"] = 0
        if self.fault is DongleFault.MISSING_KEYS:
            del document["dc"]
            document["ac"].pop("output_watts")
        body = json.dumps(document).encode()
        if self.fault is DongleFault.NOT_JSON:
            return web.Response(text="<html><body>Loading…</body></html>", content_type="text/html")
        if self.fault is DongleFault.NOT_UTF8:
            text = json.dumps({**document, "name": "Wechselrichter Süd"}, ensure_ascii=False)
            return web.Response(body=text.encode("latin-1"), content_type="application/json")
        if self.fault is DongleFault.CUT:
            return await self._cut(request, body)
        return web.Response(body=body, content_type="application/json")

    @staticmethod
    async def _cut(request: web.Request, body: bytes) -> web.StreamResponse:
        """Announce the whole body, send half of it, and drop the connection."""
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = len(body)
        await response.prepare(request)
        await response.write(body[: len(body) // 2])
        assert request.transport is not None
        request.transport.close()
        return response

"""Victron product ids (bytes 2-3 of an advertisement) and their names.

Exact names cover common Bluetooth-capable models; other ids fall back to the
family their id range belongs to, then to ``Victron 0xXXXX``. A name is only
a label: the record type, not the product id, picks the decoder.
"""

from __future__ import annotations

from collections.abc import Mapping

SMART_BATTERY_SENSE_IDS = frozenset({0xA3A4, 0xA3A5})

_SOLAR_CHARGERS: Mapping[int, str] = {
    0xA040: "BlueSolar MPPT 75/50",
    0xA041: "BlueSolar MPPT 150/35",
    0xA042: "BlueSolar MPPT 75/15",
    0xA043: "BlueSolar MPPT 100/15",
    0xA044: "BlueSolar MPPT 100/30",
    0xA045: "BlueSolar MPPT 100/50",
    0xA046: "BlueSolar MPPT 150/70",
    0xA047: "BlueSolar MPPT 150/100",
    0xA049: "BlueSolar MPPT 100/50 rev2",
    0xA04A: "BlueSolar MPPT 100/30 rev2",
    0xA04B: "BlueSolar MPPT 150/35 rev2",
    0xA04C: "BlueSolar MPPT 75/10",
    0xA04D: "BlueSolar MPPT 150/45",
    0xA04E: "BlueSolar MPPT 150/60",
    0xA04F: "BlueSolar MPPT 150/85",
    0xA050: "SmartSolar MPPT 250/100",
    0xA051: "SmartSolar MPPT 150/100",
    0xA052: "SmartSolar MPPT 150/85",
    0xA053: "SmartSolar MPPT 75/15",
    0xA054: "SmartSolar MPPT 75/10",
    0xA055: "SmartSolar MPPT 100/15",
    0xA056: "SmartSolar MPPT 100/30",
    0xA057: "SmartSolar MPPT 100/50",
    0xA058: "SmartSolar MPPT 150/35",
    0xA059: "SmartSolar MPPT 150/100 rev2",
    0xA05A: "SmartSolar MPPT 150/85 rev2",
    0xA05B: "SmartSolar MPPT 250/70",
    0xA05C: "SmartSolar MPPT 250/85",
    0xA05D: "SmartSolar MPPT 250/60",
    0xA05E: "SmartSolar MPPT 250/45",
    0xA05F: "SmartSolar MPPT 100/20",
    0xA060: "SmartSolar MPPT 100/20 48V",
    0xA061: "SmartSolar MPPT 150/45",
    0xA062: "SmartSolar MPPT 150/60",
    0xA063: "SmartSolar MPPT 150/70",
    0xA064: "SmartSolar MPPT 250/85 rev2",
    0xA065: "SmartSolar MPPT 250/100 rev2",
}

_OTHERS: Mapping[int, str] = {
    0x2780: "MultiPlus-II 12/3000/120-50 2x120V",
    0xA381: "BMV-712 Smart",
    0xA382: "BMV-710H Smart",
    0xA383: "BMV-712 Smart Rev2",
    0xA389: "SmartShunt 500A/50mV",
    0xA38A: "SmartShunt 1000A/50mV",
    0xA38B: "SmartShunt 2000A/50mV",
    0xA3A4: "Smart Battery Sense",
    0xA3A5: "Smart Battery Sense",
    0xA3C0: "Orion Smart 12V|12V-18A",
    0xA3E5: "Lynx Smart BMS 500",
    0xA3E6: "Lynx Smart BMS 1000",
    0xA3F0: "Smart BuckBoost 12V/12V-50A",
}

PRODUCT_NAMES: Mapping[int, str] = {**_SOLAR_CHARGERS, **_OTHERS}

# (first id, last id, family), checked in order when an id has no exact name.
_FAMILIES: tuple[tuple[int, int, str], ...] = (
    (0x2600, 0x27FF, "MultiPlus/Quattro (VE.Bus)"),
    (0xA040, 0xA0FF, "SmartSolar/BlueSolar MPPT"),
    (0xA100, 0xA1FF, "SmartSolar MPPT VE.Can"),
    (0xA200, 0xA2FF, "Phoenix Inverter"),
    (0xA300, 0xA33F, "Blue Smart Charger"),
    (0xA340, 0xA35F, "Phoenix Smart Charger"),
    (0xA360, 0xA37F, "Blue Smart IMPULSE-II Charger"),
    (0xA380, 0xA39F, "BMV/SmartShunt"),
    (0xA3B0, 0xA3B3, "Smart BatteryProtect"),
    (0xA3C0, 0xA3D3, "Orion Smart"),
    (0xA400, 0xA4FF, "RS family"),
    (0xC030, 0xC03F, "SmartShunt/BMV"),
)


def product_name(product_id: int) -> str:
    """A display name for any product id; never fails."""
    if name := PRODUCT_NAMES.get(product_id):
        return name
    for first, last, family in _FAMILIES:
        if first <= product_id <= last:
            return f"{family} (0x{product_id:04X})"
    return f"Victron 0x{product_id:04X}"

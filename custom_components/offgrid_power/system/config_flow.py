"""Config, reconfigure and options steps of the off-grid system entry.

Step one picks the battery, solar power and load sensors; step two pairs each
solar power sensor with its kWh sensor, if it has one. The options flow walks
the same two steps and then the thresholds. Everything lands in the entry's
options (see `const`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import PERCENTAGE, UnitOfPower
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)
import voluptuous as vol

from custom_components.offgrid_power.const import CONF_FAMILY, SYSTEM_KIND
from custom_components.offgrid_power.flow_update import update_and_reload

from .choice import parse_choice
from .const import (
    CONF_AC_LOAD_POWER,
    CONF_BATTERY_CURRENT,
    CONF_BATTERY_POWER,
    CONF_BATTERY_SOC,
    CONF_BATTERY_VOLTAGE,
    CONF_CHARGE_STATE,
    CONF_CHARGING_W,
    CONF_DC_LOAD_POWER,
    CONF_FULL_SOC,
    CONF_PRODUCING_W,
    CONF_SOLAR_POWER,
    CONF_SOLAR_SOURCES,
    CONF_SOURCE_ENERGY,
    CONF_SOURCE_POWER,
    DEFAULT_TITLE,
)
from .prefill import suggested_choice

# (option key, device class, required) of the first step, in display order.
CHOICE_FIELDS: tuple[tuple[str, SensorDeviceClass | None, bool], ...] = (
    (CONF_BATTERY_SOC, SensorDeviceClass.BATTERY, False),
    (CONF_BATTERY_VOLTAGE, SensorDeviceClass.VOLTAGE, False),
    (CONF_BATTERY_POWER, SensorDeviceClass.POWER, False),
    (CONF_BATTERY_CURRENT, SensorDeviceClass.CURRENT, False),
    (CONF_CHARGE_STATE, None, False),
    (CONF_AC_LOAD_POWER, SensorDeviceClass.POWER, True),
    (CONF_DC_LOAD_POWER, SensorDeviceClass.POWER, False),
)


def _sensor(device_class: SensorDeviceClass | None, *, multiple: bool = False) -> EntitySelector:
    config = EntitySelectorConfig(domain="sensor", multiple=multiple)
    if device_class is not None:
        config["device_class"] = device_class.value
    return EntitySelector(config)


def _suggested(value: Any) -> dict[str, Any]:
    # Suggested, not default: the user can still clear an optional field.
    return {"suggested_value": value} if value else {}


def choice_schema(current: Mapping[str, Any]) -> vol.Schema:
    """Step one: battery, loads and the solar power sensors."""
    fields: dict[Any, Any] = {}
    for key, device_class, required in CHOICE_FIELDS:
        marker = vol.Required if required else vol.Optional
        fields[marker(key, description=_suggested(current.get(key)))] = _sensor(device_class)
    powers = [source.power for source in parse_choice(current).solar]
    fields[vol.Required(CONF_SOLAR_POWER, description=_suggested(powers))] = _sensor(
        SensorDeviceClass.POWER, multiple=True
    )
    return vol.Schema(fields)


def choice_errors(user_input: Mapping[str, Any]) -> dict[str, str]:
    """The battery's power must be known: its own sensor, or voltage and current."""
    if user_input.get(CONF_BATTERY_POWER):
        return {}
    if user_input.get(CONF_BATTERY_VOLTAGE) and user_input.get(CONF_BATTERY_CURRENT):
        return {}
    return {"base": "battery_power_needed"}


def solar_schema(powers: list[str], current: Mapping[str, Any]) -> vol.Schema:
    """Step two: one optional kWh sensor per solar power sensor, keyed by its entity id."""
    energy = {source.power: source.energy for source in parse_choice(current).solar}
    return vol.Schema(
        {
            vol.Optional(power, description=_suggested(energy.get(power))): _sensor(
                SensorDeviceClass.ENERGY
            )
            for power in powers
        }
    )


def choice_options(
    choice_input: Mapping[str, Any], solar_input: Mapping[str, Any]
) -> dict[str, Any]:
    """The options of both steps, in the stored shape."""
    options = {key: choice_input[key] for key, _, _ in CHOICE_FIELDS if choice_input.get(key)}
    options[CONF_SOLAR_SOURCES] = [
        {CONF_SOURCE_POWER: power, CONF_SOURCE_ENERGY: solar_input.get(power) or None}
        for power in choice_input[CONF_SOLAR_POWER]
    ]
    return options


def _watts(maximum: float) -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(
            min=0,
            max=maximum,
            step=1,
            unit_of_measurement=UnitOfPower.WATT,
            mode=NumberSelectorMode.BOX,
        )
    )


def thresholds_schema(current: Mapping[str, Any]) -> vol.Schema:
    """The options' last step: what counts as producing, charging and full."""
    thresholds = parse_choice(current).thresholds
    return vol.Schema(
        {
            vol.Required(CONF_PRODUCING_W, default=thresholds.producing_w): _watts(10_000),
            vol.Required(CONF_CHARGING_W, default=thresholds.charging_w): _watts(10_000),
            vol.Required(CONF_FULL_SOC, default=thresholds.full_soc): NumberSelector(
                NumberSelectorConfig(
                    min=50,
                    max=100,
                    step=1,
                    unit_of_measurement=PERCENTAGE,
                    mode=NumberSelectorMode.BOX,
                )
            ),
        }
    )


class SystemConfigFlowMixin(ConfigFlow):
    """Add an off-grid system, or reconfigure its entities."""

    _system_current: Mapping[str, Any] | None = None
    _system_choice: dict[str, Any] | None = None

    async def async_step_system(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick the battery, solar and load sensors (pre-filled from our devices)."""
        if self._system_current is None:
            self._system_current = suggested_choice(self.hass)
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = choice_errors(user_input)
            if not errors:
                self._system_choice = user_input
                return await self.async_step_system_solar()
        return self.async_show_form(
            step_id="system",
            data_schema=self.add_suggested_values_to_schema(
                choice_schema(self._system_current), user_input or {}
            ),
            errors=errors,
        )

    async def async_step_system_solar(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pair each solar power sensor with its kWh sensor, where it has one."""
        assert self._system_choice is not None
        assert self._system_current is not None
        if user_input is None:
            return self.async_show_form(
                step_id="system_solar",
                data_schema=solar_schema(
                    self._system_choice[CONF_SOLAR_POWER], self._system_current
                ),
            )
        options = choice_options(self._system_choice, user_input)
        if self.source == SOURCE_RECONFIGURE:
            entry = self._get_reconfigure_entry()
            thresholds = {
                key: entry.options[key]
                for key in (CONF_PRODUCING_W, CONF_CHARGING_W, CONF_FULL_SOC)
                if key in entry.options
            }
            return update_and_reload(self, entry, options={**options, **thresholds})
        return self.async_create_entry(
            title=DEFAULT_TITLE, data={CONF_FAMILY: SYSTEM_KIND}, options=options
        )

    async def async_step_system_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the system's entities, starting from the current choice."""
        self._system_current = self._get_reconfigure_entry().options
        return await self.async_step_system()


class SystemOptionsFlow(OptionsFlow):
    """Change the system's entities and thresholds."""

    _choice: dict[str, Any] | None = None
    _solar: dict[str, Any] | None = None

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Start with the entities."""
        return await self.async_step_system()

    async def async_step_system(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The battery, solar and load sensors."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = choice_errors(user_input)
            if not errors:
                self._choice = user_input
                return await self.async_step_system_solar()
        return self.async_show_form(
            step_id="system",
            data_schema=self.add_suggested_values_to_schema(
                choice_schema(self.config_entry.options), user_input or {}
            ),
            errors=errors,
        )

    async def async_step_system_solar(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The kWh sensor of each solar source."""
        assert self._choice is not None
        if user_input is None:
            return self.async_show_form(
                step_id="system_solar",
                data_schema=solar_schema(self._choice[CONF_SOLAR_POWER], self.config_entry.options),
            )
        self._solar = user_input
        return await self.async_step_system_thresholds()

    async def async_step_system_thresholds(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """What counts as producing, charging and full."""
        if user_input is None:
            return self.async_show_form(
                step_id="system_thresholds",
                data_schema=thresholds_schema(self.config_entry.options),
            )
        assert self._choice is not None
        assert self._solar is not None
        return self.async_create_entry(
            data={**choice_options(self._choice, self._solar), **user_input}
        )

"""Home Assistant glue for PowMr inverters: config flow, coordinator, entity descriptions."""

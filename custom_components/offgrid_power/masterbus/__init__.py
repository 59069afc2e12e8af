"""Home Assistant glue for Mastervolt MasterBus networks (CAN)."""

from .runtime import async_create_runtime, async_remove_entry

__all__ = ["async_create_runtime", "async_remove_entry"]

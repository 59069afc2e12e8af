"""Home Assistant glue for Mastervolt MasterBus networks (CAN)."""

from .runtime import async_create_runtime

__all__ = ["async_create_runtime"]

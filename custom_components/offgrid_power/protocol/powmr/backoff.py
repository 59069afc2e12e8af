"""Exponential back-off between reconnect attempts."""

from __future__ import annotations


class Backoff:
    """Doubles the wait after each failed attempt, up to `maximum`; a success resets it."""

    def __init__(self, initial: float = 1.0, maximum: float = 60.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self.delay = 0.0
        self._retry_at = 0.0

    def failed(self, now: float) -> None:
        self.delay = min(self.maximum, self.delay * 2 or self.initial)
        self._retry_at = now + self.delay

    def succeeded(self) -> None:
        self.delay = 0.0
        self._retry_at = 0.0

    def remaining(self, now: float) -> float:
        return max(0.0, self._retry_at - now)

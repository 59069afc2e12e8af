"""Run one simulator: python -m simulators <powmr|masterbus> [options]."""

from __future__ import annotations

import importlib
import sys

SIMULATORS = ("powmr", "masterbus")


def main(argv: list[str]) -> int:
    """Dispatch to the simulator named first on the command line."""
    if not argv or argv[0] not in SIMULATORS:
        print(f"usage: python -m simulators {{{','.join(SIMULATORS)}}} [options]", file=sys.stderr)
        return 2
    module = importlib.import_module(f"simulators.{argv[0]}.cli")
    result: int = module.main(argv[1:])
    return result


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

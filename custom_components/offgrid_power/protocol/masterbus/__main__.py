"""``python -m custom_components.offgrid_power.protocol.masterbus``: see `cli`."""

import sys

from .cli import main

sys.exit(main())

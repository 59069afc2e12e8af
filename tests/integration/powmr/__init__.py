"""PowMr in Home Assistant, against the simulator over real loopback sockets."""

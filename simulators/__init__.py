"""Real network peers that behave like the devices: for tests and `make demo`."""

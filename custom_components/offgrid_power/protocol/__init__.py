"""Device protocols for Off-Grid Power, free of any Home Assistant import.

Each subpackage talks to one family of devices and returns typed, frozen
models. The Home Assistant layer maps those models to entities.
"""

"""An empty ``chainerx``: the example only compares ``device.xp is not chainerx``."""

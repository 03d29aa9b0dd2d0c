from chainfuse import backend
from chainfuse.ops import array as A


def copy(x, dst):
    """x sent to device `dst` (-1 or '@numpy': the CPU; an int >= 0 or '@cupy:N': a GPU).
    The gradient is sent back to x's device."""
    device = backend.get_device(dst)
    source = backend.get_device_from_array(x)
    return A.to_device(x, device=device.name, source=source.name)

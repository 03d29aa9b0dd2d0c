"""``chainer.DeviceResident``: the base of objects that keep arrays on one device.

A subclass says which arrays it owns by overriding `device_resident_accept`, calling
``visitor.visit_array(array)`` for each and storing what it returns; `to_device`
sends them all with such a visitor and records the new device.  `Link` derives
from it (with its own, faster, ``to_device`` over parameters and persistents), and
so does `chainfuse.utils.WalkerAlias`.
"""
from chainfuse import backend


class DeviceResident:
    """An object whose arrays live on `device` (see the module docstring)."""

    _device = backend.CPU

    @property
    def device(self):
        """The `chainfuse.backend.Device` the arrays live on."""
        return self._device

    @property
    def xp(self):
        """numpy or cupy: the array module of `device`."""
        return self._device.xp

    def device_resident_accept(self, visitor):
        """Override: ``self.a = visitor.visit_array(self.a)`` for each array owned."""

    def to_device(self, device):
        """Sends every array `device_resident_accept` names to `device`; returns self."""
        device = backend.get_device(device)
        self.device_resident_accept(_Sender(device))
        self._device = device
        return self

    def to_cpu(self):
        return self.to_device(backend.CPU)

    def to_gpu(self, device=None):
        """To GPU `device` (default: the current CUDA device; a negative id means 0)."""
        if device is None:
            backend.check_cuda_available('to_gpu')
            device = backend.cupy.cuda.Device().id
        elif isinstance(device, int) and device < 0:
            device = 0
        return self.to_device(device)

    def to_intel64(self):
        return self.to_device('@intel64')     # raises: chainfuse has no iDeep backend

    def to_chx(self):
        raise RuntimeError('to_chx: ChainerX is not available in chainfuse')

    def from_chx(self):
        return self


class _Sender:
    def __init__(self, device):
        self.device = device

    def visit_array(self, array):
        return self.device.send(array)

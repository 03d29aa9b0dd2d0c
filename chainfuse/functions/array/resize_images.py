import numpy

from chainfuse.functions._util import array_module
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops.registry import OpTypeError


def _axis_plan(out, size, mode, align_corners):
    """(lower index, upper index, weight of the upper) per output position of one axis,
    Chainer's coordinates: align_corners maps the corners onto each other; otherwise the
    centers of the pixels, clamped at 0; 'nearest' takes floor(i * size / out)."""
    if mode == 'nearest':
        lo = numpy.minimum(numpy.floor(numpy.arange(out) * (size / out)), size - 1)
        return lo.astype(numpy.int32), lo.astype(numpy.int32), numpy.zeros(out)
    if align_corners:
        pos = numpy.linspace(0, size - 1, num=out)
    else:
        pos = numpy.maximum((numpy.arange(out) + 0.5) * (size / out) - 0.5, 0)
    weight, lo = numpy.modf(pos)
    lo = lo.astype(numpy.int32)
    return lo, numpy.minimum(lo + 1, size - 1).astype(numpy.int32), weight


def _resize_axis(x, axis, out, mode, align_corners):
    lo, hi, weight = _axis_plan(out, x.shape[axis], mode, align_corners)
    xp = array_module(x)
    low = A.take(x, xp.asarray(lo), axis=axis)
    if mode == 'nearest':
        return low
    shape = [1] * x.ndim
    shape[axis] = out
    w = xp.asarray(weight.astype(x.dtype).reshape(shape))
    high = A.take(x, xp.asarray(hi), axis=axis)
    return E.add(low, E.mul(E.sub(high, low), w))


def resize_images(x, output_shape, *, mode='bilinear', align_corners=True):
    """Resizes images x (N, C, H, W) to ``output_shape`` (out_H, out_W) by bilinear or
    nearest-neighbour interpolation, with Chainer's coordinates.  Bilinear interpolation
    is separable, so it is one gather-and-lerp along H and one along W (ops; the
    gradient scatters back through the gathers)."""
    if mode not in ('bilinear', 'nearest'):
        raise ValueError(f"resize_images: mode must be 'bilinear' or 'nearest', got {mode!r}")
    if x.ndim != 4 or x.dtype.kind != 'f':
        raise OpTypeError('resize_images', f'x must be a float array (N, C, H, W), got '
                                           f'{x.dtype.name} {tuple(x.shape)}')
    out_h, out_w = (int(s) for s in output_shape)
    if out_h < 1 or out_w < 1:
        raise ValueError(f'resize_images: output_shape must be positive, got {output_shape}')
    y = _resize_axis(x, 2, out_h, mode, align_corners)
    return _resize_axis(y, 3, out_w, mode, align_corners)

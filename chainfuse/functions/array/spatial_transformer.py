"""Spatial transformer networks (Jaderberg et al.): Chainer's spatial_transformer_grid
and spatial_transformer_sampler, written with ops."""
import numpy

from chainfuse.functions._util import array_module
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops.registry import OpTypeError


def spatial_transformer_grid(theta, output_shape, **kwargs):
    """The sampling grid (B, 2, H, W) of affine transformations theta (B, 2, 3): the
    image of the normalized target coordinates ``(x, y, 1)``, x and y in [-1, 1]."""
    if kwargs:
        raise TypeError(f'spatial_transformer_grid() got unexpected keyword argument(s) '
                        f'{sorted(kwargs)}')
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3) or theta.dtype.kind != 'f':
        raise OpTypeError('spatial_transformer_grid', f'theta must be a float array (B, 2, 3), '
                                                      f'got {tuple(theta.shape)}')
    h, w = (int(s) for s in output_shape)
    ys, xs = numpy.meshgrid(numpy.linspace(-1, 1, h), numpy.linspace(-1, 1, w),
                            indexing='ij')
    coords = numpy.stack([xs, ys, numpy.ones((h, w))]).reshape(3, h * w)
    coords = array_module(theta).asarray(coords.astype(theta.dtype))
    grid = linalg.matmul(theta, A.broadcast_to(A.reshape(coords, shape=(1, 3, h * w)),
                                               shape=(theta.shape[0], 3, h * w)))
    return A.reshape(grid, shape=(theta.shape[0], 2, h, w))


def spatial_transformer_sampler(x, grid, **kwargs):
    """Samples x (B, C, H, W) at the points of grid (B, 2, out_H, out_W) (x then y, in
    [-1, 1]) by bilinear interpolation, zeros outside the image; differentiable in x and
    in grid (through the interpolation weights)."""
    if kwargs:
        raise TypeError(f'spatial_transformer_sampler() got unexpected keyword argument(s) '
                        f'{sorted(kwargs)}')
    if x.ndim != 4 or grid.ndim != 4 or grid.shape[1] != 2 or grid.shape[0] != x.shape[0]:
        raise OpTypeError('spatial_transformer_sampler', f'x must be (B, C, H, W) and grid '
                                                         f'(B, 2, h, w), got '
                                                         f'{tuple(x.shape)} and '
                                                         f'{tuple(grid.shape)}')
    b, c, h, w = x.shape
    out_h, out_w = grid.shape[2:]
    xp = array_module(x)
    full = A.Slice(None, None, None)
    gx = A.getitem(grid, key=(full, 0))
    gy = A.getitem(grid, key=(full, 1))
    u = E.minimum(E.maximum(E.add(E.mul(E.add(gx, 1.0), (w - 1) / 2.0), 1.0), 0.0), w + 1.0)
    v = E.minimum(E.maximum(E.add(E.mul(E.add(gy, 1.0), (h - 1) / 2.0), 1.0), 0.0), h + 1.0)
    u0 = E.minimum(E.maximum(E.floor(u), 0.0), float(w))
    v0 = E.minimum(E.maximum(E.floor(v), 0.0), float(h))
    u1, v1 = E.add(u0, 1.0), E.add(v0, 1.0)
    padded = A.pad(x, pad_width=((0, 0), (0, 0), (1, 1), (1, 1)))
    pw = w + 2
    pixels = A.reshape(A.transpose(A.reshape(padded, shape=(b, c, (h + 2) * pw)),
                                   axes=(0, 2, 1)), shape=(b * (h + 2) * pw, c))
    base = xp.asarray((numpy.arange(b) * (h + 2) * pw).reshape(b, 1, 1).astype(numpy.int64))

    def fetch(vv, uu):
        index = E.add(E.astype(E.add(E.mul(vv, float(pw)), uu),
                               dtype=numpy.dtype(numpy.int64)), base)
        return A.take(pixels, index, axis=0)                     # (B, out_h, out_w, C)

    y = None
    for vv, uu, weight in ((v0, u0, E.mul(E.sub(u1, u), E.sub(v1, v))),
                           (v0, u1, E.mul(E.sub(u, u0), E.sub(v1, v))),
                           (v1, u0, E.mul(E.sub(u1, u), E.sub(v, v0))),
                           (v1, u1, E.mul(E.sub(u, u0), E.sub(v, v0)))):
        term = E.mul(fetch(vv, uu), A.reshape(weight, shape=(b, out_h, out_w, 1)))
        y = term if y is None else E.add(y, term)
    return A.transpose(y, axes=(0, 3, 1, 2))

"""Rows for F.array (chainfuse/functions/array/)."""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, bools, const, ints, uniform

IDX = numpy.array([2, 0, 2, -1], numpy.int32)
MASK = numpy.array([[True, False, True, True], [False, False, True, False],
                    [True, True, False, False]])


def _split(x, indices_or_sections, axis, force_tuple=True):
    ys = tuple(numpy.split(x, indices_or_sections, axis=axis))
    return ys[0] if len(ys) == 1 and not force_tuple else ys


def _tile(x, reps):
    return numpy.tile(x, reps)


def _pad_sequence(*xs):
    return F.pad_sequence(xs, length=4, padding=0.5)


def _pad_sequence_ref(*xs):
    out = numpy.full((len(xs), 4) + xs[0].shape[1:], 0.5)
    for i, x in enumerate(xs):
        out[i, :len(x)] = x
    return out


def _transpose_sequence_ref(*xs):
    return tuple(numpy.stack([x[t] for x in xs if len(x) > t]) for t in range(len(xs[0])))


def _space2depth(x, r):
    n, c, h, w = x.shape
    y = x.reshape(n, c, h // r, r, w // r, r).transpose(0, 3, 5, 1, 2, 4)
    return y.reshape(n, r * r * c, h // r, w // r)


def _depth2space(x, r):
    n, c, h, w = x.shape
    y = x.reshape(n, r, r, c // (r * r), h, w).transpose(0, 3, 4, 1, 5, 2)
    return y.reshape(n, c // (r * r), h * r, w * r)


def _get(x, slices):
    return x[slices]


def _get_var_index(x, i):
    return F.get_item(x, (slice(None), i))


def _im2col(x, ksize, stride, pad, cover_all):
    n, c, h, w = x.shape
    oh = (h + 2 * pad - ksize + stride - 1) // stride + 1
    ow = (w + 2 * pad - ksize + stride - 1) // stride + 1
    xp = numpy.zeros((n, c, h + 2 * pad + stride, w + 2 * pad + stride))
    xp[:, :, pad:pad + h, pad:pad + w] = x
    out = numpy.zeros((n, c, ksize, ksize, oh, ow))
    for i in range(ksize):
        for j in range(ksize):
            out[:, :, i, j] = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
    return out.reshape(n, c * ksize * ksize, oh, ow)


def _resize_ref(x, output_shape, mode='bilinear', align_corners=True):
    out_h, out_w = output_shape
    n, c, h, w = x.shape
    y = numpy.zeros((n, c, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            if mode == 'nearest':
                y[:, :, i, j] = x[:, :, min(int(i * h / out_h), h - 1),
                                  min(int(j * w / out_w), w - 1)]
                continue
            if align_corners:
                v = i * (h - 1) / max(out_h - 1, 1)
                u = j * (w - 1) / max(out_w - 1, 1)
            else:
                v = max((i + 0.5) * h / out_h - 0.5, 0)
                u = max((j + 0.5) * w / out_w - 0.5, 0)
            v0, u0 = int(v), int(u)
            v1, u1 = min(v0 + 1, h - 1), min(u0 + 1, w - 1)
            a, b_ = v - v0, u - u0
            y[:, :, i, j] = ((1 - a) * (1 - b_) * x[:, :, v0, u0] + (1 - a) * b_ * x[:, :, v0, u1]
                             + a * (1 - b_) * x[:, :, v1, u0] + a * b_ * x[:, :, v1, u1])
    return y


def _scatter_ref(a, b, idx):
    out = a.copy()
    numpy.add.at(out, (idx,), b)
    return out


def _sampler_ref(x, grid):
    b, c, h, w = x.shape
    out = numpy.zeros((b, c) + grid.shape[2:])
    xp = numpy.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    for n in range(b):
        for i, j in numpy.ndindex(*grid.shape[2:]):
            u = min(max((grid[n, 0, i, j] + 1) * (w - 1) / 2 + 1, 0), w + 1)
            v = min(max((grid[n, 1, i, j] + 1) * (h - 1) / 2 + 1, 0), h + 1)
            u0, v0 = min(int(numpy.floor(u)), w), min(int(numpy.floor(v)), h)
            for vv, uu in ((v0, u0), (v0, u0 + 1), (v0 + 1, u0), (v0 + 1, u0 + 1)):
                out[n, :, i, j] += (1 - abs(u - uu)) * (1 - abs(v - vv)) * xp[n, :, vv, uu]
    return out


SCATTER_IDX = numpy.array([0, 2, 0], numpy.int32)
THETA = numpy.array([[[0.9, 0.2, 0.1], [-0.1, 1.1, 0.05]],
                     [[1.2, 0.0, -0.3], [0.3, 0.8, 0.2]]])


CASES = [
    Case(F.reshape, [uniform(3, 4)], attrs=dict(shape=(2, -1)),
         ref=lambda x, shape: x.reshape(shape)),
    Case(F.transpose, [uniform(2, 3, 4)], ref=lambda x: x.transpose()),
    Case(F.transpose, [uniform(2, 3, 4)], attrs=dict(axes=(1, -1, 0)),
         ref=lambda x, axes: x.transpose(axes), name='transpose_axes'),
    Case(F.broadcast_to, [uniform(3, 1)], attrs=dict(shape=(2, 3, 4)),
         ref=lambda x, shape: numpy.broadcast_to(x, shape)),
    Case(F.broadcast, [uniform(3, 1), uniform(4), uniform(2, 1, 1)],
         ref=lambda *xs: tuple(numpy.broadcast_arrays(*xs))),
    Case(lambda a, b, c, axis: F.concat([a, b, c], axis=axis),
         [uniform(2, 3), uniform(2, 1), uniform(2, 2)], attrs=dict(axis=1),
         ref=lambda *xs, axis: numpy.concatenate(xs, axis=axis), covers='concat',
         name='concat'),
    Case(lambda a, b: F.concat((a, b)), [uniform(2, 3, 1), uniform(2, 1, 1)],
         ref=lambda a, b: numpy.concatenate((a, b), axis=1), covers='concat',
         name='concat_default_axis'),
    Case(F.split_axis, [uniform(3, 6)], attrs=dict(indices_or_sections=3, axis=1),
         ref=_split),
    Case(F.split_axis, [uniform(5, 2)], attrs=dict(indices_or_sections=[1, 3], axis=0),
         ref=_split, name='split_axis_points'),
    Case(F.split_axis, [uniform(2, 3)], attrs=dict(indices_or_sections=1, axis=-1,
                                                    force_tuple=False),
         ref=_split, name='split_axis_single'),
    Case(lambda a, b, axis: F.stack([a, b], axis=axis), [uniform(2, 3), uniform(2, 3)],
         attrs=dict(axis=1), ref=lambda a, b, axis: numpy.stack([a, b], axis=axis),
         covers='stack', name='stack'),
    Case(lambda a, b: F.stack([a, b], axis=-1), [uniform(2, 3), uniform(2, 3)],
         ref=lambda a, b: numpy.stack([a, b], axis=-1), covers='stack', name='stack_last'),
    Case(lambda a, b: F.hstack([a, b]), [uniform(2, 3), uniform(2, 1)],
         ref=lambda a, b: numpy.hstack([a, b]), covers='hstack', name='hstack'),
    Case(lambda a, b: F.hstack([a, b]), [uniform(3), uniform(2)],
         ref=lambda a, b: numpy.hstack([a, b]), covers='hstack', name='hstack_1d'),
    Case(lambda a, b: F.vstack([a, b]), [uniform(3), uniform(2, 3)],
         ref=lambda a, b: numpy.vstack([a, b]), covers='vstack', name='vstack'),
    Case(lambda a, b: F.dstack([a, b]), [uniform(2, 3), uniform(2, 3, 2)],
         ref=lambda a, b: numpy.dstack([a, b]), covers='dstack', name='dstack'),
    Case(lambda a, b: F.dstack([a, b]), [uniform(3), uniform(3)],
         ref=lambda a, b: numpy.dstack([a, b]), covers='dstack', name='dstack_1d'),
    Case(F.expand_dims, [uniform(2, 3)], attrs=dict(axis=1),
         ref=lambda x, axis: numpy.expand_dims(x, axis)),
    Case(F.expand_dims, [uniform(2, 3)], attrs=dict(axis=-1),
         ref=lambda x, axis: numpy.expand_dims(x, axis), name='expand_dims_last'),
    Case(F.squeeze, [uniform(1, 3, 1, 2)], ref=lambda x: numpy.squeeze(x)),
    Case(F.squeeze, [uniform(1, 3, 1, 2)], attrs=dict(axis=-2),
         ref=lambda x, axis: numpy.squeeze(x, axis), name='squeeze_axis'),
    Case(F.flatten, [uniform(2, 3, 2)], ref=lambda x: x.ravel()),
    Case(F.get_item, [uniform(3, 4)], attrs=dict(slices=(slice(0, 2), 1)), ref=_get),
    Case(F.get_item, [uniform(3, 4)], attrs=dict(slices=(Ellipsis, None, slice(None, None, -2))),
         ref=_get, name='get_item_ellipsis_none_step'),
    Case(F.get_item, [uniform(3, 4)], attrs=dict(slices=1), ref=_get, name='get_item_int'),
    Case(F.get_item, [uniform(3, 4)], attrs=dict(slices=[0, 2, 2]), ref=_get,
         name='get_item_list'),
    Case(F.get_item, [uniform(3, 2)], attrs=dict(slices=IDX), ref=_get,
         name='get_item_array_repeated'),
    Case(F.get_item, [uniform(2, 3, 4)], attrs=dict(slices=(slice(None), IDX[:2])), ref=_get,
         name='get_item_axis1'),
    Case(F.get_item, [uniform(2, 3, 4)], attrs=dict(slices=(1, slice(None), [0, 3, 3])),
         ref=_get, name='get_item_int_and_list_apart'),
    Case(F.get_item, [uniform(2, 3, 4)], attrs=dict(slices=([1, 0, 1], slice(1, 3), [0, 3, -1])),
         ref=_get, name='get_item_two_arrays_apart'),
    Case(F.get_item, [uniform(2, 3, 4)], attrs=dict(slices=(slice(None), [[1], [2]], [0, 3])),
         ref=_get, name='get_item_two_arrays_broadcast'),
    Case(F.get_item, [uniform(3, 4)], attrs=dict(slices=MASK), ref=_get,
         name='get_item_mask'),
    Case(_get_var_index, [uniform(2, 5), ints(3, high=5)],
         ref=lambda x, i: x[:, i], covers='get_item', name='get_item_index_input'),
    Case(F.pad, [uniform(2, 3)], attrs=dict(pad_width=((1, 0), (2, 1))),
         ref=lambda x, pad_width: numpy.pad(x, pad_width)),
    Case(F.pad, [uniform(2, 3)], attrs=dict(pad_width=1, mode='constant', constant_values=-1),
         ref=lambda x, pad_width, mode, constant_values: numpy.pad(
             x, pad_width, mode=mode, constant_values=constant_values), name='pad_int_value'),
    Case(F.separate, [uniform(2, 3, 2)], attrs=dict(axis=1),
         ref=lambda x, axis: tuple(numpy.moveaxis(x, axis, 0))),
    Case(F.separate, [uniform(3, 2)], ref=lambda x: tuple(x), name='separate_default'),
    Case(F.where, [bools(3, 4), uniform(3, 4), uniform(3, 4)], ref=numpy.where),
    Case(F.where, [bools(3, 1), uniform(3, 4), uniform(4)], ref=numpy.where,
         name='where_broadcast'),
    Case(F.cast, [uniform(3, 4)], attrs=dict(typ=numpy.float64),
         ref=lambda x, typ: x.astype(typ), out_dtype=numpy.float64),
    Case(F.cast, [uniform(3, 4, low=-5, high=5)], attrs=dict(typ=numpy.int32),
         ref=lambda x, typ: x.astype(typ), grad=False, name='cast_int'),
    Case(F.copy, [uniform(3, 4)], attrs=dict(dst=-1), ref=lambda x, dst: x),
    Case(F.swapaxes, [uniform(2, 3, 4)], attrs=dict(axis1=0, axis2=-1),
         ref=lambda x, axis1, axis2: numpy.swapaxes(x, axis1, axis2)),
    Case(F.rollaxis, [uniform(2, 3, 4)], attrs=dict(axis=2, start=0),
         ref=lambda x, axis, start: numpy.rollaxis(x, axis, start)),
    Case(F.rollaxis, [uniform(2, 3, 4)], attrs=dict(axis=0, start=3),
         ref=lambda x, axis, start: numpy.rollaxis(x, axis, start), name='rollaxis_end'),
    Case(F.moveaxis, [uniform(2, 3, 4)], attrs=dict(source=0, destination=-1),
         ref=lambda x, source, destination: numpy.moveaxis(x, source, destination)),
    Case(F.moveaxis, [uniform(2, 3, 4, 1)], attrs=dict(source=(0, 3), destination=(2, 0)),
         ref=lambda x, source, destination: numpy.moveaxis(x, source, destination),
         name='moveaxis_two'),
    Case(F.tile, [uniform(2, 3)], attrs=dict(reps=(2, 1, 2)), ref=_tile),
    Case(F.tile, [uniform(3)], attrs=dict(reps=2), ref=_tile, name='tile_int'),
    Case(F.repeat, [uniform(2, 3)], attrs=dict(repeats=2, axis=1),
         ref=lambda x, repeats, axis: numpy.repeat(x, repeats, axis)),
    Case(F.repeat, [uniform(2, 3)], attrs=dict(repeats=(1, 0, 3), axis=-1),
         ref=lambda x, repeats, axis: numpy.repeat(x, repeats, axis), name='repeat_counts'),
    Case(F.repeat, [uniform(2, 3)], attrs=dict(repeats=2),
         ref=lambda x, repeats: numpy.repeat(x, repeats), name='repeat_flat'),
    Case(F.select_item, [uniform(4, 3), ints(4, high=3)],
         ref=lambda x, t: x[numpy.arange(len(t)), t]),
    Case(F.flip, [uniform(2, 3)], attrs=dict(axis=1), ref=lambda x, axis: numpy.flip(x, axis)),
    Case(F.fliplr, [uniform(2, 3)], ref=numpy.fliplr),
    Case(F.flipud, [uniform(2, 3)], ref=numpy.flipud),
    Case(F.permutate, [uniform(3, 2), const(numpy.array([2, 0, 1], numpy.int32))],
         ref=lambda x, i: x[i]),
    Case(F.permutate, [uniform(2, 3), const(numpy.array([2, 0, 1], numpy.int32))],
         attrs=dict(axis=1, inv=True),
         ref=lambda x, i, axis, inv: x[:, numpy.argsort(i)], name='permutate_inv'),
    Case(_pad_sequence, [uniform(3, 2), uniform(1, 2), uniform(4, 2)], ref=_pad_sequence_ref,
         covers='pad_sequence', name='pad_sequence'),
    Case(lambda *xs: F.transpose_sequence(xs), [uniform(3, 2), uniform(2, 2), uniform(2, 2)],
         ref=_transpose_sequence_ref, covers='transpose_sequence', name='transpose_sequence'),
    Case(F.space2depth, [uniform(1, 2, 4, 6)], attrs=dict(r=2), ref=_space2depth),
    Case(F.depth2space, [uniform(1, 8, 2, 3)], attrs=dict(r=2), ref=_depth2space),
    Case(F.diagonal, [uniform(3, 4)], ref=numpy.diagonal),
    Case(F.diagonal, [uniform(2, 3, 4)], attrs=dict(offset=-1, axis1=2, axis2=1),
         ref=lambda x, offset, axis1, axis2: numpy.diagonal(x, offset, axis1, axis2),
         name='diagonal_offset_axes'),
    Case(F.im2col, [uniform(2, 2, 5, 4)], attrs=dict(ksize=3, stride=2, pad=1, cover_all=True),
         ref=_im2col),
    Case(F.resize_images, [uniform(2, 2, 3, 4)], attrs=dict(output_shape=(5, 3)),
         ref=_resize_ref),
    Case(F.resize_images, [uniform(1, 2, 4, 3)],
         attrs=dict(output_shape=(3, 5), align_corners=False), ref=_resize_ref,
         name='resize_images_centers'),
    Case(F.resize_images, [uniform(1, 2, 4, 3)], attrs=dict(output_shape=(7, 2),
                                                            mode='nearest'),
         ref=_resize_ref, name='resize_images_nearest'),
    Case(lambda a, b, idx: F.scatter_add(a, idx, b), [uniform(4, 3), uniform(3, 3),
                                                      const(SCATTER_IDX)],
         ref=_scatter_ref, name='scatter_add', covers='scatter_add'),
    Case(lambda a, b: F.scatter_add(a, (slice(1, 3), 0), b), [uniform(4, 3), uniform(2)],
         ref=lambda a, b: a + numpy.pad(b[:, None], ((1, 1), (0, 2))),
         name='scatter_add_basic'),
    Case(lambda th: F.spatial_transformer_grid(th, (3, 4)), [const(THETA)],
         ref=lambda th: numpy.einsum('bij,jhw->bihw', th, numpy.stack(
             list(numpy.meshgrid(numpy.linspace(-1, 1, 4), numpy.linspace(-1, 1, 3))) +
             [numpy.ones((3, 4))])), name='spatial_transformer_grid',
         covers='spatial_transformer_grid'),
    Case(F.spatial_transformer_sampler, [uniform(2, 2, 4, 5), uniform(2, 2, 3, 3, low=-1.1,
                                                                       high=1.1)],
         ref=_sampler_ref),
]

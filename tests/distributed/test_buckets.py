"""Bucketing of gradients: which arrays share a flat buffer, and pack/unpack."""
import numpy
import pytest

from chainfuse.distributed import buckets


def _arrays(*specs):
    return [numpy.arange(n, dtype=d).reshape(shape) for n, d, shape in specs]


F32 = numpy.float32


@pytest.mark.parametrize('bucket_bytes,expected', [
    (None, [[0, 1, 2]]),        # no limit: one bucket
    (0, [[0], [1], [2]]),       # 'naive': one per array
    (40, [[0, 1], [2]]),        # 24 + 16 bytes fit in 40, the next 32 do not
    (10, [[0], [1], [2]]),      # an array larger than the limit gets a bucket alone
])
def test_plan_buckets_by_size(bucket_bytes, expected):
    arrays = _arrays((6, F32, (2, 3)), (4, F32, (4,)), (8, F32, (2, 4)))
    assert buckets.plan_buckets(arrays, bucket_bytes) == expected


def test_plan_buckets_splits_at_a_dtype_change():
    arrays = _arrays((2, F32, (2,)), (2, numpy.float64, (2,)), (2, F32, (2,)))
    assert buckets.plan_buckets(arrays, None) == [[0], [1], [2]]


def test_pack_then_unpack_restores_every_array():
    arrays = _arrays((6, F32, (2, 3)), (1, F32, ()), (4, F32, (4, 1)))
    buf = buckets.pack(arrays, numpy)
    assert buf.shape == (11,) and buf.dtype == F32
    outs = buckets.unpack(buf, arrays)
    for a, b in zip(arrays, outs):
        assert b.shape == a.shape and numpy.array_equal(a, b)
        assert numpy.shares_memory(b, buf)   # views of the reduced bucket, no copy out

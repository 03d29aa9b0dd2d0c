"""Sizes are checked where a link is built, and a batch of 0 rows gives 0 rows."""
import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
import chainfuse.links as L


@pytest.mark.parametrize('build,match', [
    (lambda: L.Linear(3, -2), r'Linear: out_size must be an integer >= 1, got -2'),
    (lambda: L.Linear(0, 2), r'Linear: in_size must be an integer >= 1 or None, got 0'),
    (lambda: L.Linear(-5), r'Linear: out_size must be an integer >= 1, got -5'),
    (lambda: L.Linear(2.5, 3), r'Linear: in_size must be an integer >= 1 or None, got 2.5'),
    (lambda: L.EmbedID(-1, 3), r'EmbedID: in_size must be an integer >= 1, got -1'),
    (lambda: L.LSTM(3, 0), r'LSTM: out_size must be an integer >= 1, got 0'),
    (lambda: L.Maxout(3, 2, 0), r'Maxout: pool_size must be an integer >= 1, got 0'),
    (lambda: L.Convolution2D(3, 4, ksize=0),
     r'Convolution2D: ksize must be an integer >= 1 or a pair of them, got 0'),
    (lambda: L.Convolution2D(3, 4, (3, -1)),
     r'Convolution2D: ksize must be an integer >= 1 or a pair of them, got \(3, -1\)'),
    (lambda: L.Convolution2D(3, 4, 3, stride=0),
     r'Convolution2D: stride must be an integer >= 1 or a pair of them, got 0'),
    (lambda: L.Convolution2D(3, 4, 3, pad=-1),
     r'Convolution2D: pad must be an integer >= 0 or a pair of them, got -1'),
    (lambda: L.Convolution2D(3, 4, 3, dilate=0),
     r'Convolution2D: dilate must be an integer >= 1 or a pair of them, got 0'),
    (lambda: L.Convolution2D(0, 4, 3),
     r'Convolution2D: in_channels must be an integer >= 1 or None, got 0'),
    (lambda: L.Convolution2D(4, 0),
     r'Convolution2D: ksize must be an integer >= 1 or a pair of them, got 0'),
    (lambda: L.Convolution2D(3, -4, 3),
     r'Convolution2D: out_channels must be an integer >= 1, got -4'),
    (lambda: L.Convolution2D(3, 4, 3, groups=0),
     r'Convolution2D: groups must be an integer >= 1, got 0'),
    (lambda: L.Deconvolution2D(3, 4, 0),
     r'Deconvolution2D: ksize must be an integer >= 1 or a pair of them, got 0'),
    (lambda: L.Deconvolution2D(3, 4, 3, stride=(1, 0)),
     r'Deconvolution2D: stride must be an integer >= 1 or a pair of them, got \(1, 0\)'),
])
def test_bad_sizes_are_named_where_the_link_is_built(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_good_sizes_still_build():
    assert L.Linear(3, 2).W.shape == (2, 3)
    assert L.Linear(numpy.int64(4)).out_size == 4
    assert L.Convolution2D(3, 4, (1, 2), stride=(2, 1), pad=(0, 1)).W.shape == (4, 3, 1, 2)
    assert L.Deconvolution2D(None, 4, 3).ksize == 3


@pytest.mark.parametrize('make', [
    lambda: L.Convolution2D(3, 6, 3, pad=1),
    lambda: L.Convolution2D(3, 6, 3, stride=2, groups=3),
    lambda: L.Deconvolution2D(3, 6, 3, stride=2),
    lambda: L.Linear(75, 4),
], ids=['conv', 'conv_groups', 'deconv', 'linear'])
@pytest.mark.parametrize('mode', ['eager', 'compiled'])
def test_a_batch_of_zero_rows_gives_zero_rows(make, mode):
    link = make()
    x = numpy.random.default_rng(0).standard_normal((2, 3, 5, 5)).astype(numpy.float32)
    run = link if mode == 'eager' else cf.compile(link, fallback='raise')
    want = link(x).shape[1:]
    empty = cf.Variable(x[:0])
    y = run(empty if mode == 'eager' else x[:0])
    assert y.shape == (0,) + want and y.dtype == numpy.float32
    if mode == 'eager':
        F.sum(y).backward()
        assert empty.grad.shape == (0, 3, 5, 5)
        numpy.testing.assert_array_equal(link.W.grad, 0.0)

"""CPU micro-benchmark of conv2d forward + backward (chainfuse.ops.conv) at CNN shapes.

Run: ``python -m benchmarks.conv_micro [--repeat N]``.  For each layer it prints the best
of N runs of the forward (``conv2d``) and of the two backward ops (``deconv2d`` for gx,
``conv2d_grad_w`` for gW) called on arrays, the whole eager step through Variables
(forward + ``backward()``), and, side by side in the same run, a hand-written numpy
baseline of the same math (im2col by one ``sliding_window_view`` copy + tensordot), so
the ratio means something on a noisy machine.  Max pooling (forward and gradient) is
timed at the pooling shapes of the same networks.
"""
import argparse
import time

import numpy

import chainfuse
from chainfuse.ops import conv

# (name, x shape, W shape, pad): batch 100, float32
LAYERS = [
    ('lenet conv1 1x28x28 -> 32, 5x5', (100, 1, 28, 28), (32, 1, 5, 5), 0),
    ('lenet conv2 32x12x12 -> 64, 5x5', (100, 32, 12, 12), (64, 32, 5, 5), 0),
    ('seed conv2 32x23x23 -> 64, 5x5', (100, 32, 23, 23), (64, 32, 5, 5), 0),
    ('same conv2 32x14x14 -> 64, 5x5 pad 2', (100, 32, 14, 14), (64, 32, 5, 5), 2),
]


def best_ms(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


def numpy_baseline(x, W, gy, pad):
    """Forward, gx and gW in plain numpy, Chainer-CPU style (tensordot over a col view)."""
    kh, kw = W.shape[2:]
    xp = numpy.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    col = numpy.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    col = numpy.ascontiguousarray(col)  # (N, C, oh, ow, kh, kw)
    y = numpy.tensordot(col, W, ((1, 4, 5), (1, 2, 3))).transpose(0, 3, 1, 2)
    gW = numpy.tensordot(gy, col, ((0, 2, 3), (0, 2, 3)))
    gcol = numpy.tensordot(gy, W, ((1,), (0,)))  # (N, oh, ow, C, kh, kw)
    gx = numpy.zeros_like(xp)
    oh, ow = gy.shape[2:]
    for i in range(kh):
        for j in range(kw):
            gx[:, :, i:i + oh, j:j + ow] += gcol[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return y, gx, gW


def bench_layer(name, xs, ws, pad, repeat):
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal(xs).astype(numpy.float32)
    W = rng.standard_normal(ws).astype(numpy.float32)
    attrs = dict(stride=(1, 1), pad=(pad, pad), dilate=(1, 1), groups=1)
    y = conv.conv2d(x, W, **attrs).array
    gy = rng.standard_normal(y.shape).astype(numpy.float32)
    t_fwd = best_ms(lambda: conv.conv2d(x, W, **attrs), repeat)
    t_gx = best_ms(lambda: conv.deconv2d(gy, W, outsize=xs[2:], **attrs), repeat)
    t_gw = best_ms(lambda: conv.conv2d_grad_w(x, gy, ksize=ws[2:], **attrs), repeat)

    def step():
        xv, Wv = chainfuse.Variable(x), chainfuse.Variable(W)
        yv = conv.conv2d(xv, Wv, **attrs)
        yv.grad = gy
        yv.backward()
    t_step = best_ms(step, repeat)
    t_np = best_ms(lambda: numpy_baseline(x, W, gy, pad), repeat)
    print(f'{name}: x{xs} W{ws} -> y{y.shape}')
    print(f'  conv2d {t_fwd:7.2f} ms | deconv2d (gx) {t_gx:7.2f} ms | conv2d_grad_w (gW) '
          f'{t_gw:7.2f} ms')
    print(f'  eager fwd+bwd {t_step:7.2f} ms | numpy tensordot baseline {t_np:7.2f} ms '
          f'| ratio {t_step / t_np:.2f}')


POOLS = [
    ('max_pool 2x2/2 of 32x24x24', (100, 32, 24, 24), 2),
    ('max_pool 2x2/1 of 32x24x24 (seed CNN)', (100, 32, 24, 24), 1),
]


def bench_pool(name, xs, stride, repeat):
    x = numpy.random.default_rng(0).standard_normal(xs).astype(numpy.float32)
    p = dict(ksize=(2, 2), stride=(stride, stride), pad=(0, 0))
    y, idx = conv.max_pool2d(x, cover_all=True, **p)
    gy = numpy.ones(y.shape, numpy.float32)
    t_fwd = best_ms(lambda: conv.max_pool2d(x, cover_all=True, **p), repeat)
    t_bwd = best_ms(lambda: conv.max_pool2d_grad(gy, idx, insize=xs[2:], **p), repeat)
    print(f'{name}: max_pool2d {t_fwd:6.2f} ms | max_pool2d_grad {t_bwd:6.2f} ms')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=10)
    args = parser.parse_args()
    for layer in LAYERS:
        bench_layer(*layer, repeat=args.repeat)
    for pool in POOLS:
        bench_pool(*pool, repeat=args.repeat)


if __name__ == '__main__':
    main()

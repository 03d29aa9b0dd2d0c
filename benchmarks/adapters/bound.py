"""``bound``: the GEMMs of one training step alone, with numpy's BLAS -- the number to
approach.

A training step of the models in `benchmarks.specs` is dominated by its matrix
products; everything else (activations, the loss, the optimizer update, the
framework's own dispatch) is what a framework adds on top.  This adapter runs
exactly the products one step needs, and nothing else, into preallocated buffers
(``numpy.matmul(..., out=...)``; ``numpy.dot`` for an outer product), so its step
time is a floor for any framework using the same BLAS (numpy's; torch uses MKL and
oneDNN, which may beat it):

- ``Linear(n_in, n_out)`` on a batch of N: forward ``x W^T`` (N x n_in x n_out),
  backward ``gy^T x`` (the weight gradient) and ``gy W`` (the input gradient; not
  for the first layer, whose input needs none);
- ``Conv(c_in, c_out, k)`` (stride 1, no padding) as im2col GEMMs over the
  ``N * oh * ow`` output positions: forward ``col W^T``, backward ``gy^T col`` and
  ``gy W`` (not for the first layer); building ``col`` and scattering the input
  gradient back are left out: a direct convolution need not do them;
- the LSTM of the specs: per time step ``[x_t, h] W^T`` forward and ``dz^T [x_t, h]``,
  ``dz W`` backward (no input gradient at the first step), and the output Linear.

Max pooling, flatten and activations cost no GEMM; only their shapes are followed.
The operands hold fixed random values (their values do not change BLAS's speed), and
there is no loss: ``step_loss`` returns None and the suite leaves the bound out of
the loss comparison.
"""
import numpy

from benchmarks.adapters.base import Adapter


def _gemm(rs, m, k, n):
    """(a, b, out) of ``a @ b`` with a (m, k), b (k, n)."""
    a = rs.random_sample((m, k)).astype(numpy.float32)
    b = rs.random_sample((k, n)).astype(numpy.float32)
    return a, b, numpy.empty((m, n), numpy.float32)


def linear_gemms(n, n_in, n_out, first):
    """The (m, k, n) triples of a Linear layer's forward and backward on a batch of n."""
    out = [(n, n_in, n_out), (n_out, n, n_in)]
    return out if first else out + [(n, n_out, n_in)]


def sequential_gemms(spec):
    """[(m, k, n)] of one training step of a sequential net (module doc)."""
    shape = spec['input']          # of one example
    n = spec['batch']
    gemms = []
    first = True
    for layer in spec['net']['layers']:
        kind = layer[0]
        if kind == 'linear':
            gemms += linear_gemms(n, layer[1], layer[2], first)
            shape = (layer[2],)
            first = False
        elif kind == 'conv':
            _, c_in, c_out, k = layer
            oh, ow = shape[1] - k + 1, shape[2] - k + 1
            gemms += linear_gemms(n * oh * ow, c_in * k * k, c_out, first)
            shape = (c_out, oh, ow)
            first = False
        elif kind == 'maxpool':
            k, s = layer[1], layer[2]
            shape = (shape[0], (shape[1] - k) // s + 1, (shape[2] - k) // s + 1)
        elif kind == 'flatten':
            size = 1
            for d in shape:
                size *= d
            shape = (size,)
    return gemms


def lstm_gemms(spec):
    net = spec['net']
    n, n_in, h = spec['batch'], net['n_in'], net['n_hidden']
    gemms = []
    for s in range(net['steps']):
        gemms += linear_gemms(n, n_in + h, 4 * h, first=(s == 0))
    return gemms + linear_gemms(n, h, net['n_out'], first=False)


def step_gemms(spec):
    """The (m, k, n) of every matrix product of one training step of `spec`."""
    if spec['net']['kind'] == 'lstm':
        return lstm_gemms(spec)
    return sequential_gemms(spec)


class Bound(Adapter):
    framework = 'bound'

    def setup(self, spec, params, x, t):
        rs = numpy.random.RandomState(1)
        self.shapes = step_gemms(spec)
        # an inner dimension of 1 (batch 1) is an outer product: numpy.dot's rank-1
        # update does it several times faster than numpy.matmul's gemm
        self.calls = [(numpy.dot if mkn[1] == 1 else numpy.matmul, *_gemm(rs, *mkn))
                      for mkn in self.shapes]

    def step(self):
        for product, a, b, out in self.calls:
            product(a, b, out=out)

    def step_loss(self):
        self.step()
        return None

    def kernels(self):
        flops = sum(2 * m * k * n for m, k, n in self.shapes)
        return {'gemms': len(self.shapes), 'gflop': flops / 1e9}

    def info(self):
        from benchmarks.machine import numpy_info
        return numpy_info()

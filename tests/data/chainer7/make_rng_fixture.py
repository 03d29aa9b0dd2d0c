"""Writes rng_fixture.npz: what Chainer 7.8.1 draws from numpy's global generator.

Run with a Chainer 7.8.1 install (not chainfuse):

    /path/to/chainer7-venv/bin/python tests/data/chainer7/make_rng_fixture.py

Each entry is made after its own ``numpy.random.seed``; tests/initializers/
test_chainer_rng.py builds the same objects under chainfuse after the same seed and
expects the same arrays bit for bit.
"""
import os

import numpy as np

import chainer
import chainer.initializers as I
import chainer.links as L
from chainer import iterators

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'rng_fixture.npz')


def params(prefix, link, out):
    for name, p in sorted(link.namedparams()):
        out[prefix + name.replace('/', '__')] = p.array


def batches(it, n):
    return np.array([np.array(it.next()) for _ in range(n)])


def main():
    out = {}
    np.random.seed(0)
    params('linear', L.Linear(3, 4), out)
    np.random.seed(1)
    lazy = L.Linear(None, 5)
    lazy(np.zeros((2, 7), np.float32))
    params('linear_lazy', lazy, out)
    np.random.seed(2)
    params('conv', L.Convolution2D(3, 8, ksize=3), out)
    np.random.seed(3)
    lazy = L.Convolution2D(None, 4, 3, stride=2, pad=1)
    lazy(np.zeros((1, 2, 5, 5), np.float32))
    params('conv_lazy', lazy, out)
    for i, (name, init) in enumerate([
            ('normal', I.Normal(0.2)), ('uniform', I.Uniform(0.3)),
            ('glorot_uniform', I.GlorotUniform()), ('glorot_normal', I.GlorotNormal()),
            ('he_normal', I.HeNormal()), ('he_uniform', I.HeUniform()),
            ('lecun_uniform', I.LeCunUniform())]):
        np.random.seed(10 + i)
        params('init_' + name, L.Linear(6, 5, initialW=init), out)
    # shuffling: the first order is drawn when the iterator is made, then one per epoch
    np.random.seed(4)
    it = iterators.SerialIterator(list(range(7)), 3)
    model = L.Linear(4, 3)              # drawn after the iterator's first order
    out['serial_batches'] = batches(it, 8)
    params('serial_then_linear', model, out)
    np.random.seed(5)
    it = iterators.MultithreadIterator(list(range(7)), 3, n_threads=2)
    out['multithread_batches'] = batches(it, 8)
    it.finalize()
    np.savez_compressed(OUT, chainer_version=np.array(chainer.__version__),
                        numpy_version=np.array(np.__version__), **out)
    print(f'wrote {OUT}: {len(out)} arrays')


if __name__ == '__main__':
    main()

"""Records Chainer 7.8.1's numbers for chainfuse's API-compatibility tests (issue 17).

Run with the interpreter that has chainer==7.8.1 and numpy 1.23.5, from anywhere:

    /work/venv-chainer7/bin/python tests/data/chainer7/make_api_fixtures.py [part ...]

Parts (default: all): ``utils`` writes utils.npz (WalkerAlias draws, to_coo, output
sizes); ``optimizers`` writes optimizers.npz (a few steps of every optimizer and
hook on fixed parameters and gradients); ``shifts`` writes shifts.npz (the learning
rates the shift extensions set); ``snapshot`` writes trainer_snapshot.npz (a Trainer
snapshot of a small MLP after a few iterations) and trainer_snapshot_run.npz (its
inputs and what the trainer logged).  The tests read these files and need no Chainer.
"""
import os
import sys

import numpy as np

import chainer
import chainer.functions as F
import chainer.links as L

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, **arrays):
    path = os.path.join(HERE, name)
    np.savez_compressed(path, **arrays)
    print('wrote', path, f'({len(arrays)} arrays)')


def make_utils():
    from chainer import utils
    out = {}
    np.random.seed(0)
    sampler = utils.WalkerAlias([0.1, 0.5, 0.05, 0.35])
    out['walker_probs'] = np.array([0.1, 0.5, 0.05, 0.35])
    out['walker_threshold'] = sampler.threshold
    out['walker_values'] = sampler.values
    out['walker_samples'] = sampler.sample((4, 50))
    dense = np.array([[[0, 2, 0], [-1, 0, 0]], [[1, 0, 3], [0, 0, 0]]], np.float32)
    coo = utils.to_coo(dense)
    out['coo_dense'] = dense
    out['coo_data'], out['coo_row'], out['coo_col'] = coo.data.array, coo.row, coo.col
    sizes = [(s, k, st, p, c, d) for s in (7, 8) for k in (1, 3) for st in (1, 2)
             for p in (0, 1) for c in (False, True) for d in (1, 2)]
    out['outsize_args'] = np.array(sizes, np.int64)
    out['conv_outsize'] = np.array([utils.get_conv_outsize(*a) for a in sizes])
    out['deconv_outsize'] = np.array([utils.get_deconv_outsize(*a) for a in sizes])
    save('utils.npz', **out)


PARTS = {'utils': make_utils}


def main(argv):
    if chainer.__version__ != '7.8.1':
        sys.exit(f'expected chainer 7.8.1, found {chainer.__version__}')
    for name in argv or list(PARTS):
        PARTS[name]()


if __name__ == '__main__':
    main(sys.argv[1:])

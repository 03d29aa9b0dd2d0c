"""Records Chainer 7.8.1's numbers for chainfuse's API-compatibility tests (issue 17).

Run with the interpreter that has chainer==7.8.1 and numpy 1.23.5, from anywhere:

    /work/venv-chainer7/bin/python tests/data/chainer7/make_api_fixtures.py [part ...]

Parts (default: all): ``utils`` writes utils.npz (WalkerAlias draws, to_coo, output
sizes); ``optimizers`` writes optimizers.npz (a few steps of every optimizer and
hook on fixed parameters and gradients); ``shifts`` writes shifts.npz (the learning
rates the shift extensions set); ``snapshot`` writes trainer_snapshot.npz (Chainer's
Trainer snapshot of tools/snapshot_compat.py's small MLP run),
trainer_snapshot_model.npz (its snapshot_object of the model) and
trainer_snapshot_log.json (what the run logged).  The tests read these files and
need no Chainer.
"""
import json
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


# (name, optimizer class, keyword arguments, hooks): every case runs N_STEPS updates
OPTIMIZER_CASES = [
    ('corrected_momentum_sgd', 'CorrectedMomentumSGD', {}, []),
    ('corrected_momentum_sgd_lr', 'CorrectedMomentumSGD', dict(lr=0.1, momentum=0.5), []),
    ('msvag', 'MSVAG', {}, []),
    ('msvag_wd', 'MSVAG', dict(lr=0.05, beta=0.8, eta=0.5, weight_decay_rate=0.01), []),
    ('rmsprop_graves', 'RMSpropGraves', {}, []),
    ('rmsprop_graves_lr', 'RMSpropGraves', dict(lr=0.01, alpha=0.9, momentum=0.5,
                                                eps=1e-3), []),
    ('smorms3', 'SMORMS3', {}, []),
    ('smorms3_lr', 'SMORMS3', dict(lr=0.05, eps=1e-8), []),
    ('lars_sgd', 'SGD', dict(lr=0.1), [('GradientLARS', {})]),
    ('lars_momentum', 'MomentumSGD', dict(lr=0.1),
     [('GradientLARS', dict(threshold=1.0, weight_decay=0.01, eps=1e-6))]),
]
N_STEPS = 5


def optimizer_inputs():
    """The parameters' initial values and the gradients of each step: a (3, 4) weight
    with one element whose gradient is always 0 (M-SVAG's 0/0 case), a small bias
    below GradientLARS's threshold."""
    rng = np.random.RandomState(7)
    w0 = rng.randn(3, 4).astype(np.float32)
    b0 = (rng.randn(4) * 1e-3).astype(np.float32)
    gw = rng.randn(N_STEPS, 3, 4).astype(np.float32)
    gw[:, 0, 0] = 0
    gb = rng.randn(N_STEPS, 4).astype(np.float32)
    return w0, b0, gw, gb


def make_optimizers():
    from chainer import optimizer_hooks, optimizers
    w0, b0, gw, gb = optimizer_inputs()
    out = {'w0': w0, 'b0': b0, 'gw': gw, 'gb': gb,
           'cases': np.array(json.dumps(OPTIMIZER_CASES))}
    for name, cls, kwargs, hooks in OPTIMIZER_CASES:
        link = chainer.Link()
        with link.init_scope():
            link.w = chainer.Parameter(w0.copy())
            link.b = chainer.Parameter(b0.copy())
        opt = getattr(optimizers, cls)(**kwargs)
        opt.setup(link)
        for hook, hook_kwargs in hooks:
            opt.add_hook(getattr(optimizer_hooks, hook)(**hook_kwargs))
        ws, bs = [], []
        for i in range(N_STEPS):
            link.w.grad = gw[i].copy()
            link.b.grad = gb[i].copy()
            opt.update()
            ws.append(link.w.array.copy())
            bs.append(link.b.array.copy())
        out[name + '/w'] = np.stack(ws)
        out[name + '/b'] = np.stack(bs)
        for key, value in link.w.update_rule.state.items():
            out[name + '/state/' + key] = value
    save('optimizers.npz', **out)


# (name, extension class, keyword arguments) of the learning-rate schedules
SHIFT_CASES = [
    ('polynomial', 'PolynomialShift', dict(attr='lr', rate=0.9, max_count=8)),
    ('polynomial_target', 'PolynomialShift', dict(attr='lr', rate=4, max_count=20,
                                                  target=0.02)),
    ('polynomial_init', 'PolynomialShift', dict(attr='lr', rate=0.5, max_count=5, init=0.3)),
    ('inverse', 'InverseShift', dict(attr='lr', gamma=0.1, power=0.75)),
    ('inverse_target', 'InverseShift', dict(attr='lr', gamma=0.5, power=1, target=0.05)),
    ('inverse_negative_power', 'InverseShift', dict(attr='lr', gamma=0.2, power=-1,
                                                    target=0.15)),
]
SHIFT_CALLS = 10


def make_shifts():
    import types
    from chainer import optimizers
    from chainer.training import extensions
    out = {'cases': np.array(json.dumps(SHIFT_CASES))}
    for name, cls, kwargs in SHIFT_CASES:
        opt = optimizers.SGD(lr=0.1)
        trainer = types.SimpleNamespace(
            updater=types.SimpleNamespace(get_optimizer=lambda name, opt=opt: opt))
        shift = getattr(extensions, cls)(**kwargs)
        shift.initialize(trainer)
        values = [opt.lr]
        for _ in range(SHIFT_CALLS):
            shift(trainer)
            values.append(opt.lr)
        out[name] = np.array(values, np.float64)
    save('shifts.npz', **out)


def make_snapshot():
    """Chainer's Trainer snapshot of tools/snapshot_compat.py's setup at its
    SNAPSHOT_AT, the model's snapshot_object file, and the log of the same run
    continued to STOP_AT (what a resumed run must log)."""
    import shutil
    import tempfile
    sys.path.insert(0, os.path.join(HERE, '..', '..', '..', 'tools'))
    import snapshot_compat
    with tempfile.TemporaryDirectory() as out:
        log = snapshot_compat.train_and_snapshot(chainer, out)
        at = snapshot_compat.SNAPSHOT_AT
        shutil.copyfile(os.path.join(out, f'snapshot_iter_{at}'),
                        os.path.join(HERE, 'trainer_snapshot.npz'))
        shutil.copyfile(os.path.join(out, f'model_iter_{at}'),
                        os.path.join(HERE, 'trainer_snapshot_model.npz'))
    with open(os.path.join(HERE, 'trainer_snapshot_log.json'), 'w') as f:
        json.dump({'snapshot_at': at, 'log': log}, f, indent=1)
        f.write('\n')
    print('wrote trainer_snapshot.npz, trainer_snapshot_model.npz, trainer_snapshot_log.json')


PARTS = {'utils': make_utils, 'optimizers': make_optimizers, 'shifts': make_shifts,
         'snapshot': make_snapshot}


def main(argv):
    if chainer.__version__ != '7.8.1':
        sys.exit(f'expected chainer 7.8.1, found {chainer.__version__}')
    for name in argv or list(PARTS):
        PARTS[name]()


if __name__ == '__main__':
    main(sys.argv[1:])

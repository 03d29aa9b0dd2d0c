"""Chainer's own examples, unchanged, under chainfuse: the acceptance set of issue 17.

Each example (byte for byte Chainer's, see README.md) runs in a subprocess with
``shim/`` first on the path, so ``import chainer`` is chainfuse and the data sets it
asks for are small generated ones (no download).  Examples whose Trainer steps
through ``StandardUpdater.update_core`` run twice: eagerly, and with
``compile=True`` the default of ``StandardUpdater``, where the log must show
compiled kernels and no fallback.  (ptb's BPTTUpdater and dcgan's updater write
their own ``update_core``: ``compile=True`` has no step of theirs to compile.)
Sizes and epochs are shrunk through the examples' own command-line options.

An example that still needs names chainfuse does not have is marked
``xfail(strict=True)`` with those names: when they land the test passes, strict
xfail reports it, and the mark goes.
"""
import json
import os
import subprocess
import sys

import numpy
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHIM = os.path.join(HERE, 'shim')
THIRDPARTY = os.path.join(HERE, 'thirdparty')
TIMEOUT = 600

def _mushrooms(tmp_path):
    """glance reads mushrooms.csv from the working directory: 23 categorical columns."""
    rng = numpy.random.RandomState(0)
    header = 'class,' + ','.join(f'feature{i}' for i in range(1, 23))
    rows = [','.join([rng.choice(['e', 'p'])] + list(rng.choice(list('abcdef'), 22)))
            for _ in range(60)]
    (tmp_path / 'mushrooms.csv').write_text(header + '\n' + '\n'.join(rows) + '\n')
    return []


def _seq2seq_files(tmp_path):
    """Source/target sentence files and vocabularies, as wmt_preprocess.py writes them."""
    rng = numpy.random.RandomState(0)
    vocab = {'src': list('abcde'), 'tgt': list('vwxyz')}
    paths = {}
    for side, words in vocab.items():
        paths[f'vocab.{side}'] = '\n'.join(words) + '\n'
        for split, n in (('train', 16), ('valid', 4)):
            paths[f'{split}.{side}'] = '\n'.join(
                ' '.join(rng.choice(words, rng.randint(2, 6))) for _ in range(n)) + '\n'
    for name, text in paths.items():
        (tmp_path / name).write_text(text)
    return [str(tmp_path / n) for n in ('train.src', 'train.tgt', 'vocab.src', 'vocab.tgt')] + \
        ['--validation-source', str(tmp_path / 'valid.src'),
         '--validation-target', str(tmp_path / 'valid.tgt')]


# id: (script, arguments, runs StandardUpdater.update_core, setup, needs)
EXAMPLES = {
    'mnist': ('mnist/train_mnist.py', '--epoch 1 --batchsize 50 --unit 20', True, None, []),
    'mnist_custom_loop': ('mnist/train_mnist_custom_loop.py',
                          '--epoch 1 --batchsize 50 --unit 20', False, None, []),
    'static_graph_mnist': ('static_graph_optimizations/mnist/train_mnist.py',
                           '--epoch 1 --batchsize 50 --unit 20', True, None, []),
    'static_graph_mnist_side_effect': (
        'static_graph_optimizations/mnist/train_mnist.py',
        '--epoch 1 --batchsize 50 --unit 20 --model MLPSideEffect', True, None, []),
    'static_graph_mnist_custom_loop': (
        'static_graph_optimizations/mnist/train_mnist_custom_loop.py',
        '--epoch 1 --batchsize 50 --unit 20', False, None, []),
    'cifar10_vgg': ('cifar/train_cifar.py', '--epoch 1 --batchsize 4', True, None, []),
    'cifar100_vgg_custom_loop': ('cifar/train_cifar_custom_loop.py',
                                 '--epoch 1 --batchsize 4 --dataset cifar100', False, None, []),
    'ptb': ('ptb/train_ptb.py', '--epoch 1 --batchsize 4 --bproplen 5 --unit 16 --test',
            False, None, []),
    'ptb_custom_loop': ('ptb/train_ptb_custom_loop.py',
                        '--epoch 1 --batchsize 4 --bproplen 5 --unit 16 --test', False, None,
                        []),
    'seq2seq': ('seq2seq/seq2seq.py', '--batchsize 4 --epoch 1 --unit 8 --layer 1 '
                '--log-interval 2 --validation-interval 4', True, _seq2seq_files, []),
    'vae': ('vae/train_vae.py', '--epoch 1 --batch-size 50 --dim-z 4 --dim-h 16 --test',
            True, None, []),
    'word2vec_skipgram': ('word2vec/train_word2vec.py',
                          '--epoch 1 --batchsize 50 --unit 8 --window 2 --out-type original '
                          '--test', True, None, []),
    'word2vec_cbow_negative_sampling': (
        'word2vec/train_word2vec.py', '--epoch 1 --batchsize 50 --unit 8 --window 2 '
        '--out-type ns --model cbow --test', True, None, []),
    'word2vec_hierarchical_softmax': (
        'word2vec/train_word2vec.py', '--epoch 1 --batchsize 50 --unit 8 --window 2 '
        '--out-type hsm --test', True, None, []),
    'dcgan': ('dcgan/train_dcgan.py', '--epoch 1 --batchsize 4 --n_hidden 8', False, None,
              []),
    'glance': ('glance/glance.py', '', True, _mushrooms, []),
}

# compiled runs that must fall back to eager, by design, with this warning
FALLS_BACK = {
    'static_graph_mnist_side_effect': '@static_code function MLPSideEffect.example_side_effect',
}

# what a compiled run needs beyond the eager one
COMPILED_NEEDS = {}


def _needs(name, mode):
    return EXAMPLES[name][4] + (COMPILED_NEEDS.get(name, []) if mode == 'compiled' else [])


CASES = [pytest.param(name, mode, id=f'{name}-{mode}',
                      marks=[pytest.mark.xfail(strict=True, reason='needs ' + '; '.join(
                          _needs(name, mode)))] if _needs(name, mode) else [])
         for name, spec in EXAMPLES.items()
         for mode in (('eager', 'compiled') if spec[2] else ('eager',))]


def _importable(name):
    probe = subprocess.run([sys.executable, '-c', f'import {name}'], capture_output=True)
    return probe.returncode == 0


@pytest.mark.parametrize('name,mode', CASES)
def test_chainer_example_runs_unchanged(name, mode, tmp_path):
    script, args, _, setup, _ = EXAMPLES[name]
    extra = setup(tmp_path) if setup else []
    path = [SHIM, ROOT]
    if name == 'seq2seq' and not (_importable('nltk') and _importable('progressbar')):
        path.append(THIRDPARTY)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path), MPLBACKEND='Agg',
               CHAINFUSE_DATASET_ROOT=str(tmp_path / 'data'), CHAINFUSE_BACKEND='numpy',
               CHAINER7_EXAMPLE_COMPILE='1' if mode == 'compiled' else '0')
    proc = subprocess.run([sys.executable, os.path.join(HERE, script)] + extra + args.split(),
                          cwd=str(tmp_path), env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert proc.returncode == 0, f'{script} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}'
    log = _log(tmp_path)
    if log is not None:
        last = log[-1]
        losses = [v for k, v in last.items() if k.endswith('loss')]
        assert all(numpy.isfinite(v) for v in losses), last
    if mode == 'compiled' and name in FALLS_BACK:
        assert FALLS_BACK[name] in proc.stderr and last['compile/fallbacks'] > 0, log
    elif mode == 'compiled':
        assert log is not None and last['compile/kernels'] > 0 and \
            last['compile/fallbacks'] == 0, log


def _log(tmp_path):
    """The LogReport of the run (the examples write it under result/ or results/)."""
    for out in ('result', 'results'):
        path = tmp_path / out / 'log'
        if path.exists():
            with open(path) as f:
                return json.load(f) or None
    return None

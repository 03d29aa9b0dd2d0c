"""Chainer's examples/imagenet, unchanged, under chainfuse: every architecture trains
two steps eagerly and two with compiled steps, and both runs end with the same model.

``train_imagenet.py`` reads an image list (Caffe's format: path and label per line)
through ``LabeledImageDataset``, crops at random in ``MultiprocessIterator`` workers,
and trains with ``MomentumSGD`` through ``StandardUpdater``.  Here the images are
generated PNGs of 228x228 pixels (the crops are 227 or 224, and a random crop needs a
pixel to spare), the mean image comes from Chainer's own ``compute_mean.py``, and each
run is seeded through the shim (``CHAINER7_EXAMPLE_SEED``) with one loader process
(``--loaderjob 1``), so the eager and the compiled run draw the same weights, crops and
dropout masks.  The compiled run's first step runs eagerly and its second compiled;
the shim writes the trained model and the compiled step's stats at exit
(``CHAINER7_EXAMPLE_DUMP``), and the two models must agree.

Each architecture runs without ``--test`` (two steps at batch 2: 3 to 17 s a pair on
an idle two-core machine, the one over 15 s marked slow); NIN also runs with ``--test``, the example's own test mode (an
Evaluator, snapshots, the model saved and a log line every iteration), where the
logged losses and accuracies must agree too.  ``--test`` on the big models would spend
most of its time compressing snapshots (Alex's are 0.5 GB each), which NIN's already
cover.

``train_imagenet_data_parallel.py`` is not run: it needs ``MultiprocessParallelUpdater``,
which needs NCCL and CUDA GPUs (Chainer raises without them too) and which chainfuse does
not implement (see README.md).
"""
import json

import numpy
import pytest

from tests.chainer7_examples._run import run_example

ARCHS = ['nin', 'alex', 'googlenet', 'googlenetbn', 'resnet50', 'resnext50']
SIDE = 228         # the images' side: the largest crop (227) plus the pixel it may move
TRAIN, VAL = 4, 1  # images: two steps of batch 2; one validation batch of 1


@pytest.fixture(scope='module')
def images(tmp_path_factory):
    """PNGs, the train and validation lists, and mean.npy from Chainer's compute_mean.py."""
    image = pytest.importorskip('PIL.Image', reason='LabeledImageDataset reads images '
                                'with Pillow, an optional dependency of chainfuse')
    root = tmp_path_factory.mktemp('imagenet')
    rng = numpy.random.RandomState(0)
    lines = []
    for i in range(TRAIN + VAL):
        pixels = rng.randint(0, 256, (SIDE, SIDE, 3)).astype(numpy.uint8)
        image.fromarray(pixels).save(root / f'{i}.png')
        lines.append(f'{i}.png {rng.randint(1000)}\n')
    (root / 'train.txt').write_text(''.join(lines[:TRAIN]))
    (root / 'val.txt').write_text(''.join(lines[TRAIN:]))
    run_example('imagenet/compute_mean.py', [str(root / 'train.txt'), '--root', str(root),
                                            '--output', str(root / 'mean.npy')],
                root, 'eager', root / 'data')
    assert numpy.load(root / 'mean.npy').shape == (3, SIDE, SIDE)
    return root


def _train(images, arch, mode, out, test):
    out.mkdir()
    argv = [str(images / 'train.txt'), str(images / 'val.txt'), '--root', str(images),
            '--mean', str(images / 'mean.npy'), '--arch', arch, '--batchsize', '2',
            '--val_batchsize', '1', '--epoch', '1', '--loaderjob', '1'] + \
        (['--test'] if test else [])
    run_example('imagenet/train_imagenet.py', argv, out, mode, out / 'data',
                env={'CHAINER7_EXAMPLE_SEED': '0', 'CHAINER7_EXAMPLE_DUMP': str(out / 'trained')})
    with open(out / 'trained.json') as f:
        return json.load(f), numpy.load(out / 'trained.npz')


def _assert_same_arrays(compiled, eager):
    assert compiled.files == eager.files
    for key in eager.files:
        scale = float(numpy.abs(eager[key]).max()) if eager[key].size else 0.0
        numpy.testing.assert_allclose(compiled[key], eager[key], rtol=1e-4,
                                      atol=1e-5 * scale, err_msg=key)


def _assert_same_log(compiled_dir, eager_dir):
    logs = []
    for out in (compiled_dir, eager_dir):
        with open(out / 'result' / 'log') as f:
            logs.append(json.load(f))
    compiled, eager = logs
    assert [e['iteration'] for e in compiled] == [e['iteration'] for e in eager] == [1, 2]
    for c, e in zip(compiled, eager):
        for key in e:
            if 'loss' in key or 'accuracy' in key:
                assert numpy.isfinite(e[key]), (key, e)
                assert c[key] == pytest.approx(e[key], rel=1e-4, abs=1e-6), (key, c, e)
    assert compiled[-1]['compile/kernels'] > 0 and compiled[-1]['compile/fallbacks'] == 0


# over 15 s a pair on an idle two-core machine (Alex: MomentumSGD on 61M parameters;
# NIN's --test: two snapshots and two saved models a run); ResNet50 and ResNeXt50 take
# 12 and 14 s
SLOW = {('alex', False), ('nin', True)}
CASES = [pytest.param(arch, test, id=arch + ('---test' if test else ''),
                      marks=[pytest.mark.slow] if (arch, test) in SLOW else [])
         for arch, test in [(a, False) for a in ARCHS] + [('nin', True)]]


@pytest.mark.parametrize('arch,test', CASES)
def test_train_imagenet_compiled_agrees_with_eager(images, arch, test, tmp_path):
    eager_stats, eager = _train(images, arch, 'eager', tmp_path / 'eager', test)
    compiled_stats, compiled = _train(images, arch, 'compiled', tmp_path / 'compiled', test)
    assert eager_stats == {'iteration': 2, 'compiled': None}
    step = compiled_stats['compiled']
    assert compiled_stats['iteration'] == 2 and step['compiled_calls'] == 1, step
    assert step['kernels'] > 0 and step['fallbacks'] == 0, step
    _assert_same_arrays(compiled, eager)
    if test:
        _assert_same_log(tmp_path / 'compiled', tmp_path / 'eager')
        saved = numpy.load(tmp_path / 'compiled' / 'result' / 'model_iter_2')
        _assert_same_arrays(saved, compiled)

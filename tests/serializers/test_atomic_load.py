"""A load that fails changes nothing: every entry is checked before any is assigned
(load_npz, load_hdf5, and a Trainer snapshot with its updater, optimizer and extensions)."""
import copy

import numpy
import pytest

import chainfuse.links as L
from chainfuse import optimizers, serializers, training
from chainfuse.iterators import SerialIterator
from chainfuse.serializers import SerializationError
from chainfuse.serializers.npz import DictionarySerializer
from chainfuse.training import extensions

from tests.training._models import MLP, toy_dataset


def state(obj):
    """Every value `obj` would save, copied."""
    s = DictionarySerializer()
    s.save(obj)
    return {k: copy.deepcopy(v) for k, v in s.target.items()}


def assert_same_state(before, after):
    assert sorted(before) == sorted(after)
    for key in before:
        numpy.testing.assert_array_equal(after[key], before[key], err_msg=key)


def _rewrite_npz(path, **changes):
    with numpy.load(path, allow_pickle=True) as f:
        data = {k: f[k] for k in f.files}
    data.update(changes)
    numpy.savez(path, **data)


def _model():
    model = L.Classifier(MLP(n_units=5, n_out=3, n_in=4))
    opt = optimizers.Adam()
    opt.setup(model)
    x, t = zip(*toy_dataset(6))
    opt.update(model, numpy.stack(x), numpy.array(t))
    return model, opt


@pytest.mark.parametrize('fmt', ['npz', 'hdf5'])
def test_a_wrong_shape_late_in_the_file_leaves_the_model_unchanged(tmp_path, fmt):
    model, _ = _model()
    other, _ = _model()
    for p in other.params():
        p.array[...] += 1.0
    path = str(tmp_path / f'model.{fmt}')
    save, load = ((serializers.save_npz, serializers.load_npz) if fmt == 'npz' else
                  (serializers.save_hdf5, serializers.load_hdf5))
    save(path, other)
    if fmt == 'npz':   # l1 loads first, the last layer's bias last
        _rewrite_npz(path, **{'predictor/l2/b': numpy.zeros(7, numpy.float32)})
    else:
        import h5py
        with h5py.File(path, 'a') as f:
            del f['predictor/l2/b']
            f['predictor/l2/b'] = numpy.zeros(7, numpy.float32)
    before = state(model)
    with pytest.raises(SerializationError, match=r"shape mismatch for 'predictor/l2/b'"):
        load(path, model)
    assert_same_state(before, state(model))


def test_a_missing_key_leaves_the_optimizer_state_unchanged(tmp_path):
    model, opt = _model()
    _, other_opt = _model()
    other_opt.update(other_opt.target, *_batch())
    path = str(tmp_path / 'opt.npz')
    serializers.save_npz(path, other_opt)
    with numpy.load(path) as f:
        data = {k: f[k] for k in f.files if k != 'predictor/l2/b/v'}
    numpy.savez(path, **data)
    before = state(opt)
    with pytest.raises(KeyError, match='predictor/l2/b/v'):
        serializers.load_npz(path, opt)
    assert_same_state(before, state(opt))
    assert opt.t == 1


def _batch():
    x, t = zip(*toy_dataset(6, seed=3))
    return numpy.stack(x), numpy.array(t)


def _trainer(out, stop):
    model = L.Classifier(MLP(n_units=5, n_out=3, n_in=4))
    opt = optimizers.Adam()
    opt.setup(model)
    it = SerialIterator(toy_dataset(12), 4)
    trainer = training.Trainer(training.StandardUpdater(it, opt), (stop, 'iteration'),
                               out=str(out))
    trainer.extend(extensions.LogReport(trigger=(1, 'iteration')))
    trainer.extend(extensions.ExponentialShift('alpha', 0.5), trigger=(1, 'iteration'))
    return trainer


@pytest.mark.parametrize('bad', [
    {'extensions/ExponentialShift/_t': numpy.zeros(3)},           # an extension's scalar
    {'updater/model:main/predictor/l2/W': numpy.zeros((2, 2), numpy.float32)},
    {'updater/optimizer:main/predictor/l2/b/m': numpy.zeros(9, numpy.float32)},
])
def test_a_bad_trainer_snapshot_changes_nothing(tmp_path, bad):
    source = _trainer(tmp_path / 'a', stop=5)
    source.run()
    path = str(tmp_path / 'snapshot.npz')
    serializers.save_npz(path, source)
    _rewrite_npz(path, **bad)
    target = _trainer(tmp_path / 'b', stop=2)
    target.run()
    before = state(target)
    with pytest.raises(SerializationError):
        serializers.load_npz(path, target)
    assert_same_state(before, state(target))
    assert target.updater.iteration == 2

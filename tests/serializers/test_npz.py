"""save_npz/load_npz: exact round trips, Chainer's key layout, atomic saves, checked loads."""
import io
import os
import zipfile

import numpy
import pytest

from chainfuse import serializers
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Chain, Link
from chainfuse.serializers import (
    DictionarySerializer, MissingKeyError, NpzDeserializer, SerializationError)

from tests.optimizers._models import MLP, Dense, params_of


class WithPersistents(Link):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.w = Parameter(numpy.arange(6, dtype=numpy.float32).reshape(2, 3))
        self.add_persistent('mean', numpy.zeros(3, numpy.float32))
        self.add_persistent('count', 0)
        self.add_persistent('label', 'none')


class Classifier(Chain):
    def __init__(self, predictor):
        super().__init__()
        with self.init_scope():
            self.predictor = predictor


def test_round_trip_restores_identical_parameters(tmp_path):
    model = Classifier(MLP(seed=0))
    path = tmp_path / 'my.model'
    serializers.save_npz(str(path), model)
    assert path.exists() and not (tmp_path / 'my.model.npz').exists()
    other = Classifier(MLP(seed=1))
    serializers.load_npz(str(path), other)
    for (name, a), b in zip(params_of(model).items(), params_of(other).values()):
        numpy.testing.assert_array_equal(a, b, err_msg=name)
        assert a.dtype == b.dtype


def test_keys_follow_chainers_layout(tmp_path):
    path = tmp_path / 'm.npz'
    serializers.save_npz(path, Classifier(MLP()))
    with numpy.load(path) as f:
        assert sorted(f.files) == ['predictor/l1/W', 'predictor/l1/b',
                                   'predictor/l2/W', 'predictor/l2/b']


def test_loading_keeps_array_identity_and_persistents(tmp_path):
    src = WithPersistents()
    src.w.array[...] = 7
    src.mean[...] = [1, 2, 3]
    src.count = 5
    src.label = 'trained'
    serializers.save_npz(tmp_path / 'p.npz', src)
    dst = WithPersistents()
    w_array, mean_array = dst.w.array, dst.mean
    serializers.load_npz(tmp_path / 'p.npz', dst)
    assert dst.w.array is w_array and dst.mean is mean_array
    numpy.testing.assert_array_equal(dst.w.array, 7)
    numpy.testing.assert_array_equal(dst.mean, [1, 2, 3])
    assert dst.count == 5 and isinstance(dst.count, int)
    assert dst.label == 'trained'


def test_file_objects_and_uncompressed():
    buf = io.BytesIO()
    model = MLP(seed=3)
    serializers.save_npz(buf, model, compression=False)
    buf.seek(0)
    with zipfile.ZipFile(buf) as zf:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
    buf.seek(0)
    other = MLP(seed=4)
    serializers.load_npz(buf, other)
    numpy.testing.assert_array_equal(other.l1.W.array, model.l1.W.array)


def test_uninitialized_parameters_round_trip_as_none(tmp_path):
    lazy = Dense(None, 3)
    serializers.save_npz(tmp_path / 'lazy.npz', lazy)  # W is None, stored like Chainer does
    target = Dense(None, 3)
    serializers.load_npz(tmp_path / 'lazy.npz', target)
    assert not target.W.is_initialized
    # and an initialized parameter fills an uninitialized one
    full = Dense(4, 3, numpy.random.default_rng(0))
    serializers.save_npz(tmp_path / 'full.npz', full)
    serializers.load_npz(tmp_path / 'full.npz', target)
    numpy.testing.assert_array_equal(target.W.array, full.W.array)


def test_missing_key_names_the_key(tmp_path):
    serializers.save_npz(tmp_path / 'm.npz', MLP())
    with pytest.raises(MissingKeyError, match="'predictor/l1/W' is not in the file") as e:
        serializers.load_npz(tmp_path / 'm.npz', Classifier(MLP()))
    assert isinstance(e.value, KeyError)
    assert "'l1/W'" in str(e.value)  # the hint shows what the file holds instead
    # path= loads a sub-object, and the reverse direction works with it
    serializers.save_npz(tmp_path / 'c.npz', Classifier(MLP(seed=5)))
    inner = MLP(seed=6)
    serializers.load_npz(tmp_path / 'c.npz', inner, path='predictor/')
    numpy.testing.assert_array_equal(inner.l1.W.array, MLP(seed=5).l1.W.array)


class OnlyL1(Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = Dense(4, 8, numpy.random.default_rng(0))


def test_extra_keys_are_an_error_unless_not_strict(tmp_path):
    src = MLP(seed=3)
    serializers.save_npz(tmp_path / 'big.npz', src)
    small = OnlyL1()
    with pytest.raises(SerializationError, match="2 entries the object does not") as e:
        serializers.load_npz(tmp_path / 'big.npz', small)
    assert "'l2/W'" in str(e.value) and 'strict=False' in str(e.value)
    small = OnlyL1()
    serializers.load_npz(tmp_path / 'big.npz', small, strict=False)
    numpy.testing.assert_array_equal(small.l1.W.array, src.l1.W.array)
    # strict=False also skips what the file lacks
    bigger = Classifier(MLP(seed=4))
    before = params_of(bigger)
    serializers.load_npz(tmp_path / 'big.npz', bigger, strict=False)
    for name, value in params_of(bigger).items():
        numpy.testing.assert_array_equal(value, before[name])


def test_shape_mismatch_names_the_key_and_both_shapes(tmp_path):
    serializers.save_npz(tmp_path / 'm.npz', MLP(n_hidden=8))
    target = MLP(n_hidden=5)
    with pytest.raises(SerializationError) as e:
        serializers.load_npz(tmp_path / 'm.npz', target)
    msg = str(e.value)
    assert "'l1/W'" in msg and '(8, 4)' in msg and '(5, 4)' in msg
    before = target.l1.W.array.copy()
    with pytest.warns(RuntimeWarning, match='shape mismatch'):
        serializers.load_npz(tmp_path / 'm.npz', target, strict=False)
    numpy.testing.assert_array_equal(target.l1.W.array, before)


def test_ignore_names(tmp_path):
    src, dst = MLP(seed=1), MLP(seed=2)
    serializers.save_npz(tmp_path / 'm.npz', src)
    old = dst.l2.W.array.copy()
    serializers.load_npz(tmp_path / 'm.npz', dst, ignore_names=['l2/W', lambda k: k == 'x'])
    numpy.testing.assert_array_equal(dst.l2.W.array, old)
    numpy.testing.assert_array_equal(dst.l1.W.array, src.l1.W.array)


def test_corrupt_and_foreign_files_give_clear_errors(tmp_path):
    garbage = tmp_path / 'garbage.model'
    garbage.write_bytes(b'this is not a model file at all')
    with pytest.raises(SerializationError, match='not a readable NPZ file'):
        serializers.load_npz(garbage, MLP())
    serializers.save_npz(tmp_path / 'ok.npz', MLP())
    data = (tmp_path / 'ok.npz').read_bytes()
    truncated = tmp_path / 'truncated.npz'
    truncated.write_bytes(data[:len(data) // 2])
    with pytest.raises(SerializationError, match='truncated.npz'):
        serializers.load_npz(truncated, MLP())
    numpy.save(tmp_path / 'single.npy', numpy.zeros(3))
    with pytest.raises(SerializationError, match='single .npy array'):
        serializers.load_npz(tmp_path / 'single.npy', MLP())
    empty = tmp_path / 'empty.npz'
    empty.write_bytes(b'')
    with pytest.raises(SerializationError):
        serializers.load_npz(empty, MLP())
    with pytest.raises(FileNotFoundError):
        serializers.load_npz(tmp_path / 'nope.npz', MLP())


def test_pickled_entries_are_never_unpickled(tmp_path):
    path = tmp_path / 'evil.npz'
    numpy.savez(path, **{'l1/W': numpy.array([object()], dtype=object)})
    with pytest.raises(SerializationError, match='allow_pickle'):
        serializers.load_npz(path, MLP(), strict=False)


class Exploding(Link):
    def serialize(self, serializer):
        serializer('a', numpy.ones(3))
        raise KeyboardInterrupt  # the save is interrupted half way


def test_interrupted_save_leaves_the_old_file_intact(tmp_path):
    path = tmp_path / 'model.npz'
    model = MLP(seed=0)
    serializers.save_npz(path, model)
    before = path.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        serializers.save_npz(path, Exploding())
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ['model.npz']  # no temporary file left behind

    def failing_write(*args, **kwargs):
        raise OSError('disk full')
    monkey = pytest.MonkeyPatch()
    monkey.setattr(numpy.lib.format, 'write_array', failing_write)
    try:
        with pytest.raises(OSError, match='disk full'):
            serializers.save_npz(path, MLP(seed=1))
    finally:
        monkey.undo()
    assert path.read_bytes() == before and os.listdir(tmp_path) == ['model.npz']
    serializers.load_npz(path, MLP(seed=2))


def test_saved_file_has_ordinary_permissions(tmp_path):
    path = tmp_path / 'm.npz'
    serializers.save_npz(path, MLP())
    plain = tmp_path / 'plain'
    plain.write_bytes(b'')
    assert oct(path.stat().st_mode & 0o777) == oct(plain.stat().st_mode & 0o777)


def test_dictionary_serializer_and_npz_deserializer_directly():
    s = DictionarySerializer()
    model = MLP(seed=7)
    s.save(model)
    assert set(s.target) == {'l1/W', 'l1/b', 'l2/W', 'l2/b'}
    sub = s['extra']
    assert sub('x', 3) == 3 and s.target['extra/x'] == 3
    target = MLP(seed=8)
    d = NpzDeserializer({k: v for k, v in s.target.items() if not k.startswith('extra')})
    d.load(target)
    numpy.testing.assert_array_equal(target.l2.W.array, model.l2.W.array)


def test_scalar_type_checks():
    d = NpzDeserializer({'t': numpy.asarray(2.5)})
    with pytest.raises(SerializationError, match="cannot load 't'"):
        d('t', 0)
    d = NpzDeserializer({'t': numpy.asarray(3)})
    assert d('t', 0) == 3 and d('t', 0.0) == 3.0 and d('t', True) is True
    d = NpzDeserializer({'t': numpy.zeros(2)})
    with pytest.raises(SerializationError, match='expects a scalar'):
        d('t', 0)

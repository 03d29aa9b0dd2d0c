import numpy
import pytest

from chainfuse.datasets import TupleDataset, digits, get_digits

pytest.importorskip('sklearn')


def test_fixed_split_shapes_and_scaling():
    train, test = get_digits()
    assert isinstance(train, TupleDataset) and (len(train), len(test)) == (1437, 360)
    x, t = train[0]
    assert x.shape == (64,) and x.dtype == numpy.float32 and t.dtype == numpy.int32
    xs = numpy.stack([ex[0] for ex in train[:]])
    assert xs.min() == 0. and xs.max() == 1.
    labels = numpy.array([ex[1] for ex in test[:]])
    assert set(labels.tolist()) == set(range(10))
    again, _ = get_digits()
    numpy.testing.assert_array_equal(again[5][0], train[5][0])  # the split is fixed


def test_split_is_the_documented_permutation():
    from sklearn.datasets import load_digits
    digits = load_digits()
    order = numpy.random.RandomState(0).permutation(1797)
    _, test = get_digits(withlabel=False, scale=16.)
    numpy.testing.assert_array_equal(test, digits.data[order[1437:]].astype(numpy.float32))


def test_ndim_and_rgb():
    train, _ = get_digits(ndim=3, rgb_format=True, withlabel=False, dtype=numpy.float64)
    assert train.shape == (1437, 3, 8, 8) and train.dtype == numpy.float64
    train, _ = get_digits(ndim=2)
    assert train[0][0].shape == (8, 8)


def test_reads_the_file_without_importing_sklearn_and_falls_back_to_load_digits(
        monkeypatch):
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root)
    code = ('import sys; from chainfuse.datasets import get_digits; get_digits(); '
            'print("sklearn" in sys.modules)')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True, env=env).stdout
    assert out.strip() == 'False'
    images, labels = digits._load_raw()
    monkeypatch.setattr(digits, '_data_file', lambda: None)  # file not where it was
    images2, labels2 = digits._load_raw()                     # through load_digits()
    assert (images.dtype, labels.dtype) == (images2.dtype, labels2.dtype)
    numpy.testing.assert_array_equal(images, images2)
    numpy.testing.assert_array_equal(labels, labels2)


def test_missing_sklearn_gives_a_clear_error(monkeypatch):
    import builtins
    import importlib.util
    real_import, real_find_spec = builtins.__import__, importlib.util.find_spec

    def no_sklearn(name, *args, **kw):
        if name.startswith('sklearn'):
            raise ImportError('No module named sklearn')
        return real_import(name, *args, **kw)

    def find_no_sklearn(name, *args, **kw):
        return None if name.startswith('sklearn') else real_find_spec(name, *args, **kw)
    monkeypatch.setattr(builtins, '__import__', no_sklearn)
    monkeypatch.setattr(importlib.util, 'find_spec', find_no_sklearn)
    with pytest.raises(ImportError, match='pip install scikit-learn'):
        get_digits()

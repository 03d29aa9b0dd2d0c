"""save_hdf5/load_hdf5 (with h5py) and the error without it."""
import os

import numpy
import pytest

from chainfuse import optimizers, serializers
from chainfuse.serializers import hdf5

from tests.optimizers._models import MLP, mse, params_of, regression_data

needs_h5py = pytest.mark.skipif(not hdf5._available, reason='h5py is not installed')


@pytest.mark.skipif(hdf5._available, reason='h5py is installed')
def test_without_h5py_the_error_says_what_to_install(tmp_path):
    with pytest.raises(ImportError, match='pip install h5py'):
        serializers.save_hdf5(tmp_path / 'm.h5', MLP())
    with pytest.raises(ImportError, match='pip install h5py'):
        serializers.load_hdf5(tmp_path / 'm.h5', MLP())
    assert not os.listdir(tmp_path)


@needs_h5py
def test_model_and_optimizer_round_trip(tmp_path):
    x, t = regression_data()
    model = MLP(seed=0)
    opt = optimizers.Adam(alpha=0.01).setup(model)
    opt.update(mse, model, x, t)
    serializers.save_hdf5(tmp_path / 'm.h5', model)
    serializers.save_hdf5(tmp_path / 'o.h5', opt)
    model2 = MLP(seed=1)
    opt2 = optimizers.Adam(alpha=0.01).setup(model2)
    serializers.load_hdf5(tmp_path / 'm.h5', model2)
    serializers.load_hdf5(tmp_path / 'o.h5', opt2)
    for (name, a), b in zip(params_of(model).items(), params_of(model2).values()):
        numpy.testing.assert_array_equal(a, b, err_msg=name)
    assert opt2.t == 1
    numpy.testing.assert_array_equal(model2.l1.W.update_rule.state['v'],
                                     model.l1.W.update_rule.state['v'])
    opt.update(mse, model, x, t)
    opt2.update(mse, model2, x, t)
    numpy.testing.assert_array_equal(model.l2.W.array, model2.l2.W.array)


@needs_h5py
def test_checked_loading(tmp_path):
    serializers.save_hdf5(tmp_path / 'm.h5', MLP(n_hidden=8))
    with pytest.raises(serializers.SerializationError, match=r"'l1/W'.*\(8, 4\).*\(5, 4\)"):
        serializers.load_hdf5(tmp_path / 'm.h5', MLP(n_hidden=5))
    opt = optimizers.SGD().setup(MLP())
    with pytest.raises(KeyError, match="'t' is not in the file"):
        serializers.load_hdf5(tmp_path / 'm.h5', opt)
    (tmp_path / 'bad.h5').write_bytes(b'not hdf5')
    with pytest.raises(serializers.SerializationError, match='not a readable HDF5 file'):
        serializers.load_hdf5(tmp_path / 'bad.h5', MLP())

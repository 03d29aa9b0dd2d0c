"""The .mat reader behind get_svhn: MATLAB level-5 numeric variables, compressed or not."""
import numpy
import pytest

from chainfuse.datasets._matlab import MatFormatError, load_mat

from ._matfile import cell, mat_file, matrix


@pytest.mark.parametrize('compress', [False, True])
def test_numeric_variables_in_column_order_with_narrow_storage(tmp_path, compress):
    x = numpy.arange(2 * 3 * 4, dtype=numpy.uint8).reshape(2, 3, 4)
    y = numpy.array([[1.], [10.], [7.]])
    z = numpy.array([[-1.5, 2.25]], numpy.float32)
    path = tmp_path / 'a.mat'
    path.write_bytes(mat_file([matrix('X', x), matrix('y', y, stored_as='u1'),
                               matrix('z', z), cell('notes'),
                               matrix('s', numpy.array([[3]], numpy.int16))], compress))
    got = load_mat(path)
    assert sorted(got) == ['X', 's', 'y', 'z']
    numpy.testing.assert_array_equal(got['X'], x)
    assert got['y'].dtype == numpy.float64 and got['y'].tolist() == [[1.], [10.], [7.]]
    assert got['z'].dtype == numpy.float32 and got['z'].tolist() == [[-1.5, 2.25]]
    assert got['s'].dtype == numpy.int16 and got['s'][0, 0] == 3     # small elements
    assert list(load_mat(path, names=('y',))) == ['y']


def test_agrees_with_scipy(tmp_path):
    sio = pytest.importorskip('scipy.io', reason='cross-check with SciPy\'s reader')
    rng = numpy.random.RandomState(0)
    values = {'X': rng.randint(0, 256, (32, 32, 3, 4)).astype(numpy.uint8),
              'y': rng.randint(1, 11, (4, 1)).astype(numpy.float64),
              'c': rng.randn(2, 3) + 1j * rng.randn(2, 3), 'e': numpy.zeros((0, 3)),
              'i': numpy.arange(6, dtype=numpy.int64).reshape(2, 3), 'txt': 'text'}
    for compress in (False, True):
        path = str(tmp_path / f'{compress}.mat')
        sio.savemat(path, values, do_compression=compress)
        expected = sio.loadmat(path)
        got = load_mat(path)
        assert sorted(got) == ['X', 'c', 'e', 'i', 'y']
        for k, v in got.items():
            assert v.dtype == expected[k].dtype and v.shape == expected[k].shape
            numpy.testing.assert_array_equal(v, expected[k])


def test_errors_name_the_file_and_the_problem(tmp_path):
    path = tmp_path / 'b.mat'
    path.write_bytes(b'short')
    with pytest.raises(MatFormatError, match='too few'):
        load_mat(path)
    path.write_bytes(b'\x89HDF' + b'\0' * 200)
    with pytest.raises(MatFormatError, match='7.3 file is HDF5'):
        load_mat(path)
    good = mat_file([matrix('X', numpy.zeros((4, 4), numpy.uint8)), cell('y')])
    path.write_bytes(good)
    with pytest.raises(MatFormatError, match="'y' is a cell array"):
        load_mat(path, names=('X', 'y'))
    with pytest.raises(MatFormatError, match="'w' is missing"):
        load_mat(path, names=('w',))
    path.write_bytes(good[:150])
    with pytest.raises(MatFormatError, match='past the end'):
        load_mat(path)
    path.write_bytes(mat_file([b'\x0f\0\0\0\x08\0\0\0garbage!']))
    with pytest.raises(MatFormatError, match='cannot be decompressed'):
        load_mat(path)

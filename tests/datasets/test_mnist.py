"""get_mnist on small IDX files generated here: download (file:// URLs), verify, parse,
cache, reuse; and every way the files can be wrong.  No network is used."""
import gzip
import hashlib
import os
import struct
import time

import numpy
import pytest

from chainfuse.dataset import download
from chainfuse.datasets import TupleDataset, get_mnist, mnist

N_TRAIN, N_TEST = 5, 3


def idx_bytes(array, code=0x08):
    """An IDX file written independently of the parser: magic, big-endian dims, data."""
    array = numpy.asarray(array)
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f'>{array.ndim}I', *array.shape)
    return header + array.astype(array.dtype.newbyteorder('>')).tobytes()


def make_split(n, seed):
    rng = numpy.random.RandomState(seed)
    return rng.randint(0, 256, (n, 28, 28)).astype(numpy.uint8), \
        rng.randint(0, 10, n).astype(numpy.uint8)


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A directory of the four .gz files served by file:// URL, their md5s patched in."""
    src = tmp_path / 'mirror'
    src.mkdir()
    data = {'train': make_split(N_TRAIN, 0), 'test': make_split(N_TEST, 1)}
    checksums = {}
    for split, (x, y) in data.items():
        for name, arr in zip(mnist.FILES[split], (x, y)):
            blob = gzip.compress(idx_bytes(arr))
            (src / name).write_bytes(blob)
            checksums[name] = hashlib.md5(blob).hexdigest()
    monkeypatch.setattr(mnist, 'CHECKSUMS', checksums)
    monkeypatch.setenv('CHAINFUSE_MNIST_URL', src.as_uri() + '/')
    monkeypatch.setenv('CHAINFUSE_DATASET_ROOT', str(tmp_path / 'root'))
    return src, data


def cache_dir(tmp_path):
    return tmp_path / 'root' / 'mnist'


def test_downloads_parses_and_scales(mirror, tmp_path):
    _, data = mirror
    train, test = get_mnist()
    assert isinstance(train, TupleDataset) and (len(train), len(test)) == (N_TRAIN, N_TEST)
    x, t = train[2]
    assert x.shape == (784,) and x.dtype == numpy.float32 and t.dtype == numpy.int32
    numpy.testing.assert_allclose(x, data['train'][0][2].reshape(784) / 255., rtol=1e-6)
    assert t == data['train'][1][2]
    numpy.testing.assert_array_equal(test[:][-1][1], data['test'][1][-1])
    files = sorted(os.listdir(cache_dir(tmp_path)))
    assert files == sorted(['test.npz', 'train.npz'] + list(mnist.CHECKSUMS))


def test_second_call_uses_the_cache_without_network(mirror, tmp_path, monkeypatch):
    src, data = mirror
    get_mnist()
    for name in mnist.CHECKSUMS:  # remove the raw files and the mirror
        (cache_dir(tmp_path) / name).unlink()
        (src / name).unlink()
    monkeypatch.setenv('CHAINFUSE_MNIST_URL', 'http://127.0.0.1:9/')
    train, _ = get_mnist(withlabel=False, scale=2., dtype=numpy.float64)
    assert train.dtype == numpy.float64
    numpy.testing.assert_allclose(train, data['train'][0].reshape(-1, 784) * (2. / 255))


@pytest.mark.parametrize('ndim,rgb,shape', [(2, False, (28, 28)), (3, False, (1, 28, 28)),
                                             (3, True, (3, 28, 28))])
def test_ndim_and_rgb_format(mirror, ndim, rgb, shape):
    train, _ = get_mnist(ndim=ndim, rgb_format=rgb)
    x, _ = train[0]
    assert x.shape == shape
    if ndim == 3:
        numpy.testing.assert_array_equal(x[-1], x[0])  # rgb repeats the grey channel
    numpy.testing.assert_array_equal(x.reshape(-1, 784)[0], get_mnist()[0][0][0])


def test_bad_ndim(mirror):
    with pytest.raises(ValueError, match='ndim must be 1, 2 or 3'):
        get_mnist(ndim=4)


def test_no_network_no_cache_fails_fast_naming_the_directory(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv('CHAINFUSE_MNIST_URL', 'http://127.0.0.1:9/,' +
                       (tmp_path / 'nowhere').as_uri())
    start = time.monotonic()
    with pytest.raises(download.DownloadError) as info:
        get_mnist()
    assert time.monotonic() - start < 15
    message = str(info.value)
    assert str(cache_dir(tmp_path)) in message
    assert 'train-images-idx3-ubyte.gz' in message and 't10k-labels-idx1-ubyte.gz' in message
    assert '127.0.0.1:9' in message and 'nowhere' in message
    assert not (cache_dir(tmp_path) / 'train.npz').exists()


def test_checksum_mismatch_rejects_the_download(mirror, tmp_path, monkeypatch):
    monkeypatch.setitem(mnist.CHECKSUMS, 'train-labels-idx1-ubyte.gz', 'f' * 64)
    with pytest.raises(download.DownloadError, match='sha256'):
        get_mnist()
    assert not (cache_dir(tmp_path) / 'train-labels-idx1-ubyte.gz').exists()


def test_files_put_in_the_directory_by_hand_are_used(mirror, tmp_path, monkeypatch):
    src, data = mirror
    target = cache_dir(tmp_path)
    target.mkdir(parents=True)
    for name in mnist.CHECKSUMS:
        os.replace(src / name, target / name)
    monkeypatch.setenv('CHAINFUSE_MNIST_URL', 'http://127.0.0.1:9/')
    train, test = get_mnist()
    assert len(train) == N_TRAIN and len(test) == N_TEST


def test_uncompressed_files_are_accepted(mirror, tmp_path, monkeypatch):
    _, data = mirror
    target = cache_dir(tmp_path)
    target.mkdir(parents=True)
    for split, (x, y) in data.items():
        for name, arr in zip(mnist.FILES[split], (x, y)):
            (target / name[:-3]).write_bytes(idx_bytes(arr))
    monkeypatch.setenv('CHAINFUSE_MNIST_URL', 'http://127.0.0.1:9/')
    train, _ = get_mnist(ndim=2)
    numpy.testing.assert_allclose(train[1][0], data['train'][0][1] / 255., rtol=1e-6)


def test_wrong_local_file_says_to_delete_it(mirror, tmp_path):
    target = cache_dir(tmp_path)
    target.mkdir(parents=True)
    (target / 'train-images-idx3-ubyte.gz').write_bytes(gzip.compress(b'other'))
    with pytest.raises(download.ChecksumError, match='delete it'):
        get_mnist()


def test_corrupt_cache_is_rebuilt_with_a_warning(mirror, tmp_path):
    get_mnist()
    (cache_dir(tmp_path) / 'train.npz').write_bytes(b'not a zip file')
    with pytest.warns(RuntimeWarning, match='rebuilding'):
        train, _ = get_mnist()
    assert len(train) == N_TRAIN
    with numpy.load(cache_dir(tmp_path) / 'train.npz') as f:
        assert f['x'].shape == (N_TRAIN, 784)


def install_files(tmp_path, monkeypatch, images, labels, compress=True):
    """Puts a train pair into the cache directory, checksums switched off."""
    target = cache_dir(tmp_path)
    target.mkdir(parents=True)
    names = mnist.FILES['train']
    for name, blob in zip(names, (images, labels)):
        (target / name).write_bytes(gzip.compress(blob) if compress else blob)
    monkeypatch.setattr(mnist, 'CHECKSUMS', {})
    monkeypatch.setenv('CHAINFUSE_DATASET_ROOT', str(tmp_path / 'root'))
    monkeypatch.setenv('CHAINFUSE_MNIST_URL', 'http://127.0.0.1:9/')


@pytest.mark.parametrize('images,labels,pattern', [
    (b'\x01\x02\x08\x03' + b'\0' * 12, None, 'bad magic number 0x01020803'),
    (idx_bytes(numpy.zeros((2, 28, 28), numpy.uint8))[:-1], None, 'truncated'),
    (idx_bytes(numpy.zeros((2, 28, 28), numpy.uint8)) + b'x', None, 'trailing bytes'),
    (idx_bytes(numpy.zeros((2, 27, 28), numpy.uint8)), None, r'shape \(N, 28, 28\)'),
    (idx_bytes(numpy.zeros((2, 28, 28), numpy.uint8)), idx_bytes(numpy.zeros(3, numpy.uint8)),
     '2 images but .* 3 labels'),
    (idx_bytes(numpy.zeros((2, 28, 28), numpy.uint8)),
     idx_bytes(numpy.array([1, 12], numpy.uint8)), 'digits 0-9'),
    (idx_bytes(numpy.zeros((2, 28, 28), numpy.uint8)),
     idx_bytes(numpy.zeros((2, 1), numpy.uint8)), r'labels of shape \(N,\)'),
    (b'\0\0\x08', None, 'too few for an IDX header'),
    (b'\0\0\x08\x03\0\0', None, 'truncated header'),
])
def test_malformed_idx_files_give_clear_errors(tmp_path, monkeypatch, images, labels,
                                               pattern):
    if labels is None:
        labels = idx_bytes(numpy.zeros(2, numpy.uint8))
    install_files(tmp_path, monkeypatch, images, labels)
    with pytest.raises(mnist.IDXFormatError, match=pattern):
        get_mnist()


def test_a_broken_gzip_file_is_reported(tmp_path, monkeypatch):
    install_files(tmp_path, monkeypatch, b'\x1f\x8b garbage', b'\x1f\x8b more', compress=False)
    with pytest.raises(mnist.IDXFormatError, match='not a valid gzip file'):
        get_mnist()


@pytest.mark.parametrize('code,dtype', [(0x08, numpy.uint8), (0x09, numpy.int8),
                                        (0x0B, numpy.int16), (0x0C, numpy.int32),
                                        (0x0D, numpy.float32), (0x0E, numpy.float64)])
def test_parse_idx_reads_big_endian_element_types(code, dtype):
    a = (numpy.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    if dtype == numpy.uint8:
        a = numpy.arange(24, dtype=dtype).reshape(2, 3, 4)
    out = mnist.parse_idx(idx_bytes(a, code))
    assert out.dtype == numpy.dtype(dtype) and out.dtype.isnative
    numpy.testing.assert_array_equal(out, a)


def test_mirror_list_and_override(monkeypatch):
    monkeypatch.delenv('CHAINFUSE_MNIST_URL', raising=False)
    urls = mnist.mirror_urls('t10k-labels-idx1-ubyte.gz')
    assert any('yann.lecun.com' in u for u in urls) and any('ossci' in u for u in urls)
    monkeypatch.setenv('CHAINFUSE_MNIST_URL', 'http://a/x, http://b/y/')
    assert mnist.mirror_urls('f.gz') == ['http://a/x/f.gz', 'http://b/y/f.gz']

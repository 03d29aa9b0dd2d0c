"""get_fashion_mnist and get_kuzushiji_mnist: MNIST's files and layout, their own
directory, mirrors and checksums; tested on generated IDX files by file:// URL."""
import gzip
import struct

import numpy
import pytest

from chainfuse import datasets
from chainfuse.dataset import download
from chainfuse.datasets import fashion_mnist, kuzushiji_mnist, mnist

from ._mirror import go_offline, serve

SETS = [(datasets.get_fashion_mnist, fashion_mnist, 'CHAINFUSE_FASHION_MNIST_URL',
         'fashion-mnist'),
        (datasets.get_kuzushiji_mnist, kuzushiji_mnist, 'CHAINFUSE_KUZUSHIJI_MNIST_URL',
         'kuzushiji-mnist')]


def idx(array):
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f'>{array.ndim}I', *array.shape)
    return header + array.tobytes()


def generated(seed):
    rng = numpy.random.RandomState(seed)
    data = {'train': (rng.randint(0, 256, (6, 28, 28)).astype(numpy.uint8),
                      rng.randint(0, 10, 6).astype(numpy.uint8)),
            'test': (rng.randint(0, 256, (4, 28, 28)).astype(numpy.uint8),
                     rng.randint(0, 10, 4).astype(numpy.uint8))}
    files = {name: gzip.compress(idx(a))
             for split, arrays in data.items() for name, a in zip(mnist.FILES[split], arrays)}
    return data, files


@pytest.mark.parametrize('get,module,env,directory', SETS)
def test_downloads_verifies_caches_and_reads_offline(tmp_path, monkeypatch, get, module, env,
                                                     directory):
    data, files = generated(0)
    mirror = serve(tmp_path, monkeypatch, module, files, env)
    train, test = get()
    assert (len(train), len(test)) == (6, 4)
    x, t = train[3]
    assert x.dtype == numpy.float32 and x.shape == (784,) and t.dtype == numpy.int32
    numpy.testing.assert_allclose(x, data['train'][0][3].ravel() / 255., rtol=1e-6)
    assert t == data['train'][1][3]
    assert (tmp_path / 'root' / directory / 'train.npz').exists()
    go_offline(monkeypatch, env, mirror)
    images, _ = get(withlabel=False, ndim=3, scale=2., dtype=numpy.float64, rgb_format=True)
    assert images.shape == (6, 3, 28, 28) and images.dtype == numpy.float64
    numpy.testing.assert_allclose(images[:, 1], data['train'][0] * (2. / 255.))


@pytest.mark.parametrize('get,module,env,directory', SETS)
def test_offline_without_files_names_them_and_the_directory(tmp_path, monkeypatch, get,
                                                            module, env, directory):
    _, files = generated(1)
    mirror = serve(tmp_path, monkeypatch, module, files, env)
    go_offline(monkeypatch, env, mirror)
    with pytest.raises(download.DownloadError) as info:
        get()
    message = str(info.value)
    assert str(tmp_path / 'root' / directory) in message and env in message
    assert 't10k-labels-idx1-ubyte.gz' in message and get.__name__ in message


@pytest.mark.parametrize('get,module,env,directory', SETS)
def test_a_file_with_the_wrong_digest_is_rejected(tmp_path, monkeypatch, get, module, env,
                                                  directory):
    _, files = generated(2)
    serve(tmp_path, monkeypatch, module, files, env)
    monkeypatch.setitem(module.CHECKSUMS, 'train-images-idx3-ubyte.gz', '0' * 32)
    with pytest.raises(download.DownloadError, match='md5'):
        get()


def test_the_real_checksums_and_mirrors_are_chainers_files():
    assert fashion_mnist.CHECKSUMS['t10k-labels-idx1-ubyte.gz'] == \
        'bb300cfdad3c16e7a12a480ee83cd310'
    assert any('fashion-mnist' in m for m in fashion_mnist.MIRRORS)
    assert kuzushiji_mnist.CHECKSUMS['train-images-idx3-ubyte.gz'] == \
        'bdb82020997e1d708af4cf47b453dcf7'
    assert any('codh.rois.ac.jp/kmnist' in m for m in kuzushiji_mnist.MIRRORS)


def test_label_names_are_chainers():
    assert datasets.get_fashion_mnist_labels()[9] == 'Ankle boot'
    assert len(datasets.get_fashion_mnist_labels()) == 10
    assert datasets.get_kuzushiji_mnist_labels()[0] == ('o', '\u304a')
    assert [r for r, _ in datasets.get_kuzushiji_mnist_labels()] == \
        ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo']

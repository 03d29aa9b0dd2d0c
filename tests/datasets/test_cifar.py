"""get_cifar10 / get_cifar100 on generated archives served by file:// URL."""
import io
import os
import pickle
import tarfile

import numpy
import pytest

from chainfuse import datasets
from chainfuse.dataset import download
from chainfuse.datasets import TupleDataset, cifar

from ._mirror import go_offline, serve

ENV = 'CHAINFUSE_CIFAR_URL'


def archive(members):
    """A tar.gz of {member name: pickled object (protocol 2, as the real files)}."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w:gz') as tar:
        for name, obj in members.items():
            blob = pickle.dumps(obj, protocol=2)
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    return buf.getvalue()


def batch(rng, n, n_classes, key='labels'):
    return {'data': rng.randint(0, 256, (n, 3072)).astype(numpy.uint8),
            key: rng.randint(0, n_classes, n).tolist(), 'batch_label': 'generated'}


def cifar10_files(seed=0):
    rng = numpy.random.RandomState(seed)
    members = {f'cifar-10-batches-py/data_batch_{i}': batch(rng, 2, 10) for i in range(1, 6)}
    members['cifar-10-batches-py/test_batch'] = batch(rng, 3, 10)
    return members, {'cifar-10-python.tar.gz': archive(members)}


def test_cifar10_downloads_converts_and_scales(tmp_path, monkeypatch):
    members, files = cifar10_files()
    mirror = serve(tmp_path, monkeypatch, cifar, files, ENV)
    train, test = datasets.get_cifar10()
    assert isinstance(train, TupleDataset) and (len(train), len(test)) == (10, 3)
    x, t = train[4]      # the first example of data_batch_3
    first3 = members['cifar-10-batches-py/data_batch_3']
    assert x.shape == (3, 32, 32) and x.dtype == numpy.float32 and t.dtype == numpy.int32
    numpy.testing.assert_allclose(x, first3['data'][0].reshape(3, 32, 32) / 255., rtol=1e-6)
    assert t == first3['labels'][0]
    assert os.path.exists(tmp_path / 'root' / 'cifar' / 'cifar-10.npz')
    go_offline(monkeypatch, ENV, mirror)      # the cache is enough now
    flat, _ = datasets.get_cifar10(withlabel=False, ndim=1, scale=2., dtype=numpy.float64)
    assert flat.shape == (10, 3072) and flat.dtype == numpy.float64
    numpy.testing.assert_allclose(flat[9], members['cifar-10-batches-py/data_batch_5'][
        'data'][1] * (2. / 255.))


def test_cifar100_uses_the_fine_labels(tmp_path, monkeypatch):
    rng = numpy.random.RandomState(1)
    members = {'cifar-100-python/train': batch(rng, 4, 100, 'fine_labels'),
               'cifar-100-python/test': batch(rng, 2, 100, 'fine_labels')}
    for m in members.values():
        m['coarse_labels'] = [0] * len(m['data'])
    serve(tmp_path, monkeypatch, cifar, {'cifar-100-python.tar.gz': archive(members)}, ENV)
    train, test = datasets.get_cifar100()
    assert [int(t) for _, t in train] == members['cifar-100-python/train']['fine_labels']
    assert len(test) == 2


def test_offline_error_and_bad_ndim(tmp_path, monkeypatch):
    _, files = cifar10_files()
    mirror = serve(tmp_path, monkeypatch, cifar, files, ENV)
    with pytest.raises(ValueError, match='ndim must be 1 or 3'):
        datasets.get_cifar10(ndim=2)
    go_offline(monkeypatch, ENV, mirror)
    with pytest.raises(download.DownloadError) as info:
        datasets.get_cifar10()
    assert str(tmp_path / 'root' / 'cifar') in str(info.value)
    assert 'cifar-10-python.tar.gz' in str(info.value) and ENV in str(info.value)


@pytest.mark.parametrize('change,pattern', [
    (lambda m: m.pop('cifar-10-batches-py/test_batch'), 'has no file .*test_batch'),
    (lambda m: m['cifar-10-batches-py/data_batch_2'].__setitem__(
        'data', numpy.zeros((2, 100), numpy.uint8)), r'shape \(N, 3072\)'),
    (lambda m: m['cifar-10-batches-py/data_batch_1'].__setitem__('labels', [3, 10]),
     'labels must be below 10'),
])
def test_archives_that_are_not_cifar_are_named(tmp_path, monkeypatch, change, pattern):
    members, _ = cifar10_files()
    change(members)
    serve(tmp_path, monkeypatch, cifar, {'cifar-10-python.tar.gz': archive(members)}, ENV)
    with pytest.raises(cifar.CifarFormatError, match=pattern):
        datasets.get_cifar10()


class _RunsCode:
    def __reduce__(self):
        return (os.system, ('echo should not run',))


def test_a_pickle_that_would_run_code_is_refused(tmp_path, monkeypatch):
    members, _ = cifar10_files()
    members['cifar-10-batches-py/test_batch']['extra'] = _RunsCode()
    serve(tmp_path, monkeypatch, cifar, {'cifar-10-python.tar.gz': archive(members)}, ENV)
    with pytest.raises(pickle.UnpicklingError, match='system.*refusing'):
        datasets.get_cifar10()


def test_a_truncated_archive_says_to_delete_it(tmp_path, monkeypatch):
    _, files = cifar10_files()
    blob = files['cifar-10-python.tar.gz']
    serve(tmp_path, monkeypatch, cifar, {'cifar-10-python.tar.gz': blob[:len(blob) // 2]},
          ENV)
    with pytest.raises(cifar.CifarFormatError, match='delete it'):
        datasets.get_cifar10()


def test_the_real_archives_are_named_with_their_md5():
    assert cifar.CHECKSUMS == {'cifar-10-python.tar.gz': 'c58f30108f718f92721af3b95e74349a',
                               'cifar-100-python.tar.gz': 'eb9058c3a382ffc7106e4002c42a8d85'}

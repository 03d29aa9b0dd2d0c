"""get_svhn on generated .mat files served by file:// URL (no SciPy needed)."""
import numpy
import pytest

from chainfuse import datasets
from chainfuse.dataset import download
from chainfuse.datasets import TupleDataset, svhn
from chainfuse.datasets._matlab import MatFormatError

from ._matfile import mat_file, matrix
from ._mirror import go_offline, serve

ENV = 'CHAINFUSE_SVHN_URL'


def split_file(seed, n):
    rng = numpy.random.RandomState(seed)
    x = rng.randint(0, 256, (32, 32, 3, n)).astype(numpy.uint8)
    y = rng.randint(1, 11, (n, 1)).astype(numpy.float64)
    y[0] = 10                                    # the digit 0
    return x, y, mat_file([matrix('X', x), matrix('y', y, stored_as='u1')], compress=True)


def test_images_are_nchw_and_label_10_is_0(tmp_path, monkeypatch):
    (x, y, train), (_, _, test) = split_file(0, 5), split_file(1, 3)
    mirror = serve(tmp_path, monkeypatch, svhn,
                   {'train_32x32.mat': train, 'test_32x32.mat': test}, ENV)
    tr, te = datasets.get_svhn()
    assert isinstance(tr, TupleDataset) and (len(tr), len(te)) == (5, 3)
    image, label = tr[2]
    assert image.shape == (3, 32, 32) and image.dtype == numpy.float32
    numpy.testing.assert_allclose(image, x[:, :, :, 2].transpose(2, 0, 1) / 255., rtol=1e-6)
    assert label.dtype == numpy.int32 and label == int(y[2, 0]) % 10
    assert tr[0][1] == 0
    go_offline(monkeypatch, ENV, mirror)        # cached as .npz now
    images, _ = datasets.get_svhn(withlabel=False, scale=3., dtype=numpy.float64)
    numpy.testing.assert_allclose(images[4], x[..., 4].transpose(2, 0, 1) * (3. / 255.))


def test_add_extra_returns_three_splits(tmp_path, monkeypatch):
    serve(tmp_path, monkeypatch, svhn, {f'{s}_32x32.mat': split_file(i, 2)[2]
                                        for i, s in enumerate(('train', 'test', 'extra'))},
          ENV)
    assert len(datasets.get_svhn(add_extra=True, label_dtype=numpy.int64)) == 3


def test_wrong_contents_and_offline_errors(tmp_path, monkeypatch):
    bad = mat_file([matrix('X', numpy.zeros((32, 32, 3, 2), numpy.uint8)),
                    matrix('y', numpy.array([[1.], [11.]]))])
    mirror = serve(tmp_path, monkeypatch, svhn, {'train_32x32.mat': bad,
                                                 'test_32x32.mat': bad}, ENV)
    with pytest.raises(MatFormatError, match='integers 1..10'):
        datasets.get_svhn()
    (tmp_path / 'root' / 'svhn' / 'train_32x32.mat').unlink()
    go_offline(monkeypatch, ENV, mirror)
    with pytest.raises(download.DownloadError, match='train_32x32.mat'):
        datasets.get_svhn()


def test_the_real_files_are_named_with_their_md5():
    assert svhn.CHECKSUMS['test_32x32.mat'] == 'eb5a983be6a315427106f1b164d9cef3'

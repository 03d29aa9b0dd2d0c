import io
import pickle
import zipfile

import numpy
import pytest

from chainfuse.datasets import (LabeledZippedImageDataset, MultiZippedImageDataset,
                                ZippedImageDataset)


def npy(array):
    buf = io.BytesIO()
    numpy.save(buf, array)
    return buf.getvalue()


def make_zip(path, members):
    with zipfile.ZipFile(path, 'w') as z:
        z.writestr('dir/', b'')
        for name, blob in members.items():
            z.writestr(name, blob)
    return str(path)


IMAGES = {'a.npy': numpy.arange(12, dtype=numpy.uint8).reshape(3, 4),
          'dir/b.npy': numpy.arange(24, dtype=numpy.uint8).reshape(2, 4, 3)}


def test_members_become_chw_arrays(tmp_path):
    path = make_zip(tmp_path / 'i.zip', {k: npy(v) for k, v in IMAGES.items()})
    dataset = ZippedImageDataset(path)
    assert len(dataset) == 2                      # the directory entry is skipped
    a = dataset[0]
    assert a.shape == (1, 3, 4) and a.dtype == numpy.float32
    numpy.testing.assert_array_equal(dataset.get_example('dir/b.npy'),
                                     IMAGES['dir/b.npy'].transpose(2, 0, 1))
    copy = pickle.loads(pickle.dumps(dataset))
    numpy.testing.assert_array_equal(copy[1], dataset[1])
    with pytest.raises(KeyError, match="no member 'c.npy'"):
        dataset.get_example('c.npy')


def test_png_members_with_pillow(tmp_path):
    image_module = pytest.importorskip('PIL.Image', reason='decodes PNG members')
    rgb = numpy.random.RandomState(0).randint(0, 256, (5, 6, 3)).astype(numpy.uint8)
    buf = io.BytesIO()
    image_module.fromarray(rgb).save(buf, format='PNG')
    path = make_zip(tmp_path / 'p.zip', {'x.png': buf.getvalue()})
    out = ZippedImageDataset(path, dtype=numpy.float64)[0]
    assert out.dtype == numpy.float64
    numpy.testing.assert_array_equal(out, rgb.transpose(2, 0, 1))


def test_labeled_and_multi(tmp_path):
    path = make_zip(tmp_path / 'i.zip', {k: npy(v) for k, v in IMAGES.items()})
    labels = tmp_path / 'labels.txt'
    labels.write_text('dir/b.npy 7\na.npy 2\n')
    labeled = LabeledZippedImageDataset(path, str(labels), label_dtype=numpy.int64)
    image, label = labeled[0]
    assert image.shape == (3, 2, 4) and label == 7 and label.dtype == numpy.int64
    other = make_zip(tmp_path / 'j.zip', {'c.npy': npy(numpy.ones((2, 2), numpy.uint8))})
    multi = MultiZippedImageDataset([path, other])
    assert len(multi) == 3 and multi[2].shape == (1, 2, 2) and multi[1].shape == (3, 2, 4)
    with pytest.raises(IndexError):
        multi.get_example(3)

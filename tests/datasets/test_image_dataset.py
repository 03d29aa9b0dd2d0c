import numpy
import pytest

from chainfuse.datasets import ImageDataset, LabeledImageDataset


def write_npy(tmp_path):
    grey = numpy.arange(12, dtype=numpy.uint8).reshape(3, 4)
    rgb = numpy.arange(24, dtype=numpy.uint8).reshape(2, 4, 3)
    numpy.save(tmp_path / 'grey.npy', grey)
    numpy.save(tmp_path / 'rgb.npy', rgb)
    return grey, rgb


def test_images_become_chw_arrays_of_the_default_dtype(tmp_path):
    grey, rgb = write_npy(tmp_path)
    ds = ImageDataset(['grey.npy', 'rgb.npy'], root=str(tmp_path))
    assert len(ds) == 2
    a = ds[0]
    assert a.shape == (1, 3, 4) and a.dtype == numpy.float32
    numpy.testing.assert_array_equal(a[0], grey)
    b = ds[1]
    assert b.shape == (3, 2, 4)
    numpy.testing.assert_array_equal(b.transpose(1, 2, 0), rgb)


def test_path_list_file_and_labeled_pairs_file(tmp_path):
    grey, _ = write_npy(tmp_path)
    (tmp_path / 'list.txt').write_text('grey.npy\n\nrgb.npy\n')
    assert len(ImageDataset(str(tmp_path / 'list.txt'), root=str(tmp_path))) == 2
    (tmp_path / 'pairs.txt').write_text('grey.npy 3\nrgb.npy 7\n')
    ds = LabeledImageDataset(str(tmp_path / 'pairs.txt'), root=str(tmp_path),
                             dtype=numpy.float64)
    image, label = ds[0]
    assert image.dtype == numpy.float64 and label == 3 and label.dtype == numpy.int32
    assert [int(t) for _, t in ds[0:2]] == [3, 7]
    (tmp_path / 'bad.txt').write_text('grey.npy\n')
    with pytest.raises(ValueError, match='line 1: expected "path label"'):
        LabeledImageDataset(str(tmp_path / 'bad.txt'))
    (tmp_path / 'bad2.txt').write_text('grey.npy x\n')
    with pytest.raises(ValueError, match='not an integer'):
        LabeledImageDataset(str(tmp_path / 'bad2.txt'))


def test_png_through_pillow(tmp_path):
    Image = pytest.importorskip('PIL.Image')
    pixels = numpy.arange(30, dtype=numpy.uint8).reshape(5, 2, 3)
    Image.fromarray(pixels).save(tmp_path / 'a.png')
    image, label = LabeledImageDataset([('a.png', 1)], root=str(tmp_path))[0]
    numpy.testing.assert_array_equal(image.transpose(1, 2, 0), pixels)

"""Shared shaping and scaling of square grey-scale image sets (MNIST, digits)."""
import numpy

from chainfuse.datasets.tuple_dataset import TupleDataset


def preprocess_images(images, labels, side, max_value, withlabel, ndim, scale, dtype,
                      label_dtype, rgb_format, who):
    """Flat ``(N, side*side)`` pixels in ``[0, max_value]`` -> a dataset like Chainer's MNIST.

    ``ndim`` 1 gives ``(side*side,)`` images, 2 gives ``(side, side)``, 3 gives
    ``(1, side, side)`` (``(3, side, side)`` with ``rgb_format``).  Pixels are cast to
    `dtype` and scaled to ``[0, scale]``.  With `withlabel` the result is a
    TupleDataset of (image, label), otherwise the image array.
    """
    images = images.reshape(len(images), side * side)
    if ndim == 2:
        images = images.reshape(-1, side, side)
    elif ndim == 3:
        images = images.reshape(-1, 1, side, side)
        if rgb_format:
            images = numpy.concatenate([images] * 3, axis=1)
    elif ndim != 1:
        raise ValueError(f'{who}: ndim must be 1, 2 or 3, got {ndim}')
    images = images.astype(dtype)
    images *= scale / max_value
    if not withlabel:
        return images
    return TupleDataset(images, labels.astype(label_dtype))

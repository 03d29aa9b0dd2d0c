"""Writes chainfuse/datasets/data/digits.npz from scikit-learn's copy of the data set.

    python tests/data/make_digits.py        (needs scikit-learn)

The arrays are scikit-learn's ``load_digits()`` images (1797, 8, 8) and targets, stored
as uint8 (the pixels are the integers 0..16).  chainfuse.datasets.digits checks the
arrays against DIGITS_SHA256 when it loads them; print the new digest with --digest.
"""
import os
import sys

import numpy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from chainfuse.datasets import digits  # noqa: E402
from chainfuse.utils import atomic_open  # noqa: E402


def main():
    from sklearn.datasets import load_digits
    data = load_digits()
    images = numpy.asarray(data.images)
    if (images != numpy.round(images)).any() or images.min() < 0 or images.max() > 16:
        raise SystemExit('scikit-learn\'s digits are not integers in 0..16')
    images, labels = images.astype(numpy.uint8), numpy.asarray(data.target, numpy.uint8)
    with atomic_open(digits.DATA_PATH, 'wb') as f:
        numpy.savez_compressed(f, images=images, labels=labels)
    print(f'wrote {digits.DATA_PATH}; arrays sha256 {digits.arrays_digest(images, labels)}')


if __name__ == '__main__':
    main()

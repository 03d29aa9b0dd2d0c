"""``testing.save_and_load``: a round trip through a file, to test ``serialize``."""
import os

from chainfuse import serializers, utils


def save_and_load(src, dst, filename, saver, loader):
    """``saver(path, src)`` then ``loader(path, dst)`` in a temporary directory."""
    with utils.tempdir() as directory:
        path = os.path.join(directory, filename)
        saver(path, src)
        loader(path, dst)


def save_and_load_npz(src, dst):
    save_and_load(src, dst, 'tmp.npz', serializers.save_npz, serializers.load_npz)


def save_and_load_hdf5(src, dst):
    save_and_load(src, dst, 'tmp.h5', serializers.save_hdf5, serializers.load_hdf5)

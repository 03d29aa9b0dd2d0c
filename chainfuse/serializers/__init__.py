"""chainfuse.serializers: save and load Links, Optimizers and Trainers.

``save_npz('my.model', model)`` / ``load_npz('my.model', model)``; HDF5 with
``save_hdf5``/``load_hdf5`` when h5py is installed.  Every object is walked through
its ``serialize(serializer)`` method (see `chainfuse.serializer`), with keys laid out
as Chainer lays them out (``predictor/l1/W``), so files move between the two.
"""
from chainfuse.serializers._common import MissingKeyError, SerializationError  # noqa: F401
from chainfuse.serializers.npz import (  # noqa: F401
    DictionarySerializer, NpzDeserializer, load_npz, save_npz)
from chainfuse.serializers.hdf5 import (  # noqa: F401
    HDF5Deserializer, HDF5Serializer, load_hdf5, save_hdf5)

__all__ = ['DictionarySerializer', 'NpzDeserializer', 'save_npz', 'load_npz',
           'HDF5Serializer', 'HDF5Deserializer', 'save_hdf5', 'load_hdf5',
           'MissingKeyError', 'SerializationError']

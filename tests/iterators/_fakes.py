"""A dict-backed serializer pair following Chainer's protocol, and iterator helpers."""
import numpy


class DictSerializer:
    """Records ``serializer(key, value)`` under ``path + key`` in `store`."""

    def __init__(self, store, path=''):
        self.store, self.path = store, path

    def __getitem__(self, name):
        return type(self)(self.store, self.path + name + '/')

    def __call__(self, key, value):
        self.store[self.path + key] = numpy.array(value) if isinstance(value, numpy.ndarray) \
            else value
        return value


class DictDeserializer(DictSerializer):
    """Loads from `store`: arrays in place, None gets the stored value, scalars converted."""

    def __call__(self, key, value):
        stored = self.store[self.path + key]  # KeyError when missing, like Chainer's
        if value is None:
            return stored
        if isinstance(value, numpy.ndarray):
            value[...] = stored
            return value
        return type(value)(stored)


def save(iterator):
    store = {}
    iterator.serialize(DictSerializer(store))
    return store


def load(iterator, store):
    iterator.serialize(DictDeserializer(store))


def ids(batch):
    """The example ids of a batch of (x, id) examples."""
    return [int(example[1]) for example in batch]

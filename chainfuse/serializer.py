"""The serialization protocol shared by Links, Optimizers and Trainers (Chainer's layout).

An object that can be saved defines ``serialize(serializer)`` and, for each value it
owns, calls ``value = serializer(name, value)``; for each sub-object it calls
``child.serialize(serializer[name])``.  The same method both saves and loads:

- a `Serializer` records the value under its path and returns it unchanged;
- a `Deserializer` reads the value stored under the path: it copies an array into
  the given array in place (so references to it stay valid) and returns that array,
  returns the stored array when given None (an uninitialized parameter), and
  converts to the given type for Python scalars (``t = serializer('t', t)``).

Paths join names with '/': a Link's child ``predictor`` with a child ``l1`` with a
parameter ``W`` is ``predictor/l1/W``, the key Chainer's ``save_npz`` writes.
"""


class AbstractSerializer:
    """Base of serializers and deserializers: ``s[name]`` and ``s(name, value)``."""

    def __getitem__(self, key):
        """The serializer of the child object `key` (its path extended by ``key/``)."""
        raise NotImplementedError

    def __call__(self, key, value):
        """Saves or loads one value under `key` (see the module docstring)."""
        raise NotImplementedError


class Serializer(AbstractSerializer):
    """Base of serializers (saving)."""

    def save(self, obj):
        """Saves `obj` (anything with ``serialize(serializer)``)."""
        obj.serialize(self)


class Deserializer(AbstractSerializer):
    """Base of deserializers (loading)."""

    def load(self, obj):
        """Loads `obj` (anything with ``serialize(serializer)``)."""
        obj.serialize(self)

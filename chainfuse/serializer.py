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
    """Base of deserializers (loading).

    Loading is done twice by `load_npz` and `load_hdf5`: first with ``dry_run`` True,
    when ``d(key, value)`` checks the file's entry for `key` (present, readable, of a
    shape and type `value` can take) and returns `value` itself, so nothing changes; then,
    only if every entry passed, for real.  A ``serialize`` that builds its structure
    from what it reads (a dict of summaries named in the file) reads such scalars and
    strings with ``d.stored(key, value)`` during the dry run, which returns the file's
    value converted like `value` without assigning anything.
    """

    dry_run = False

    def stored(self, key, value):
        """The file's value for `key`, converted like `value` (a scalar or a string), or the
        stored array itself when `value` is None; nothing is assigned anywhere."""
        raise NotImplementedError

    def load(self, obj):
        """Loads `obj` (anything with ``serialize(serializer)``)."""
        obj.serialize(self)

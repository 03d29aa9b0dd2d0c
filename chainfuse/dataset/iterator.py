"""`Iterator`: the base class of dataset iterators (Chainer's interface).

An iterator yields minibatches (lists of examples) and exposes where it is in
the data: ``batch_size``, ``epoch`` (completed sweeps), ``epoch_detail`` (the
epoch as a float, 2.5 in the middle of the third sweep), ``previous_epoch_detail``
(``epoch_detail`` before the last batch; None before the first) and
``is_new_epoch`` (True when the last batch completed a sweep).  Updaters and
triggers read only these, so any object that provides them can drive a Trainer.
"""


class Iterator:
    """Base class of all dataset iterators; see the module docstring."""

    def __iter__(self):
        return self

    def __next__(self):
        """Returns the next batch; may raise StopIteration at the end of a sweep."""
        raise NotImplementedError

    def next(self):
        """Chainer's alias of ``__next__``."""
        return self.__next__()

    def finalize(self):
        """Releases resources (worker processes, files).  Does nothing by default."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.finalize()
        return None

    def serialize(self, serializer):
        """Saves or loads the state that changes while iterating (not the batch size)."""

"""Sequential: a stack of layers called one after the other.

``Sequential(L.Linear(None, 100), F.relu, L.Linear(100, 10))`` holds any callables;
the Links among them are its children (a ChainList, so their paths are
``/0/W``, ``/1/W`` counting Links only).  Each layer receives the previous
layer's output (a tuple is unpacked into several arguments).
"""
import copy as copy_module
import functools

from chainfuse.links.link import ChainList, Link


def _layer_name(layer):
    if isinstance(layer, Link):
        return type(layer).__name__
    if isinstance(layer, functools.partial):
        return repr(layer)
    return getattr(layer, '__name__', type(layer).__name__)


class Sequential(ChainList):
    """A ChainList whose forward calls its layers in order."""

    def __init__(self, *layers):
        super().__init__()
        self.__dict__['_layers'] = []
        for layer in layers:
            self.append(layer)

    # ---- keeping the layer list and the child links in step ----
    def _sync(self):
        self.__dict__['_children'] = []
        for layer in self._layers:
            if isinstance(layer, Link):
                self._children.append(self._adopt(layer))
        self._renumber()

    @staticmethod
    def _check_callable(layer):
        if not callable(layer):
            raise ValueError(f'All elements of a Sequential should be callable, but '
                             f'{layer!r} is not callable.')
        return layer

    def __len__(self):
        return len(self._layers)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return Sequential(*self._layers[i])
        return self._layers[i]

    def __setitem__(self, i, layer):
        if isinstance(i, slice):
            self._layers[i] = [self._check_callable(x) for x in layer]
        else:
            self._layers[i] = self._check_callable(layer)
        self._sync()

    def __delitem__(self, i):
        del self._layers[i]
        self._sync()

    def __iter__(self):
        return iter(self._layers)

    def __reversed__(self):
        return reversed(self._layers)

    def __contains__(self, item):
        return item in self._layers

    def insert(self, i, layer):
        self._layers.insert(i, self._check_callable(layer))
        self._sync()

    def append(self, layer):
        self.insert(len(self._layers), layer)

    def extend(self, layers):
        for layer in layers:
            self.append(layer)

    def pop(self, i=-1):
        layer = self._layers[i]
        del self[i]
        return layer

    def remove(self, layer):
        if layer not in self._layers:
            raise ValueError(f'There is no layer object that is same as {layer!r}')
        del self[self._layers.index(layer)]

    def clear(self):
        self._layers.clear()
        self._sync()

    def index(self, layer, start=None, end=None):
        return self._layers[start:end].index(layer)

    def count(self, layer):
        return self._layers.count(layer)

    def count_by_layer_type(self, type_name):
        """The number of layers whose class name (Links) or function name is `type_name`."""
        return sum(1 for layer in self._layers if _layer_name(layer) == type_name)

    def remove_by_layer_type(self, type_name):
        self._layers[:] = [x for x in self._layers if _layer_name(x) != type_name]
        self._sync()

    def __add__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f'add (+) supports only Sequential objects, but '
                             f'{type(other).__name__} was given.')
        return Sequential(*self._layers, *other._layers)

    def __iadd__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f'add (+) supports only Sequential objects, but '
                             f'{type(other).__name__} was given.')
        self.extend(list(other._layers))
        return self

    def flatten(self):
        """A Sequential with nested Sequentials replaced by their layers."""
        ret = Sequential()
        for layer in self._layers:
            if isinstance(layer, Sequential):
                ret.extend(layer.flatten())
            else:
                ret.append(layer)
        return ret

    # ---- forward and copies ----
    def forward(self, *x):
        """Feeds the input through every layer; a tuple output is unpacked for the next."""
        for layer in self._layers:
            x = layer(*x) if isinstance(x, tuple) else layer(x)
        return x

    def copy(self, mode='share'):
        ret = Sequential()
        for layer in self._layers:
            ret.append(layer.copy(mode) if isinstance(layer, Link) else copy_module.copy(layer))
        return ret

    def __str__(self):
        lines = []
        for i, layer in enumerate(self._layers):
            text = str(layer) if isinstance(layer, Link) else _layer_name(layer)
            lines += ['  ' + line for line in f'({i}): {text},'.splitlines()]
        if not lines:
            return 'Sequential()'
        return 'Sequential(\n' + '\n'.join(lines) + '\n)'

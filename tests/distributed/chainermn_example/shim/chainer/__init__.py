"""``chainer`` = chainfuse for the unchanged ChainerMN example (see ../README.md): every
loaded chainfuse module is registered under the name chainer.* (the same objects)."""
import sys

import chainfuse
import chainfuse.datasets

for _name, _module in list(sys.modules.items()):
    if _name == 'chainfuse' or _name.startswith('chainfuse.'):
        sys.modules['chainer' + _name[len('chainfuse'):]] = _module


def _bundled_digits(*args, **kwargs):
    """No download here: the 8x8 digits that ship with chainfuse."""
    return chainfuse.datasets.get_digits()


chainfuse.datasets.get_mnist = _bundled_digits

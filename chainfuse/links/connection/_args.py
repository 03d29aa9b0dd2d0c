"""Checks of the sizes a link is built with, so a bad one is named where it is given
(``Linear(3, -2)``: "Linear: out_size must be an integer >= 1, got -2"), not deep in numpy
or in a division by a zero kernel size at the first call."""
import numbers


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def size(who, name, value, minimum=1, optional=False):
    """`value` as an int, checked to be an integer >= `minimum` (None passes if optional)."""
    if value is None and optional:
        return None
    if not _is_int(value) or value < minimum:
        also = ' or None' if optional else ''
        raise ValueError(f'{who}: {name} must be an integer >= {minimum}{also}, '
                         f'got {value!r}')
    return int(value)


def pair(who, name, value, minimum):
    """An int or a pair of ints, each >= `minimum`, as a tuple of two ints."""
    items = tuple(value) if hasattr(value, '__getitem__') else (value, value)
    if len(items) != 2 or not all(_is_int(v) and v >= minimum for v in items):
        raise ValueError(f'{who}: {name} must be an integer >= {minimum} or a pair of them, '
                         f'got {value!r}')
    return tuple(int(v) for v in items)


def conv(who, in_channels, out_channels, ksize, stride, pad, dilate, groups):
    """The arguments shared by Convolution2D and Deconvolution2D, checked."""
    size(who, 'in_channels', in_channels, optional=True)
    size(who, 'out_channels', out_channels)
    pair(who, 'ksize', ksize, 1)
    size(who, 'groups', groups)
    return pair(who, 'stride', stride, 1), pair(who, 'pad', pad, 0), pair(who, 'dilate',
                                                                           dilate, 1)


def bias_parameter(nobias, initial_bias, size):
    """A link's bias: None with `nobias`, else a Parameter of `size` from `initial_bias`
    (0 when None), as Chainer's links make it."""
    if nobias:
        return None
    from chainfuse import initializers
    from chainfuse.core.variable import Parameter
    init = initializers._get_initializer(0 if initial_bias is None else initial_bias)
    return Parameter(init) if size is None else Parameter(init, size)

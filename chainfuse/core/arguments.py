"""The check every Link call and every compiled call makes of its arguments.

A Link's forward and the ops under it read ``.shape``, ``.ndim`` and ``.dtype`` of
what they are given, so a nested Python list of numbers (``[[1., 2., 3.]]``) would
fail deep inside an F.* function with ``'list' object has no attribute 'ndim'``.
`check_call_arguments` stops it at the call, eager and compiled alike (the compiled
front end calls it before computing the signature), with a TypeError that says what
was passed, what is expected and how to convert it.  Lists of arrays, tuples (shapes,
axes) and Python scalars are left alone: a forward may take them on purpose.
"""
import numbers


def _is_number_list(x):
    """A non-empty list whose leaves, through nested lists, are all Python numbers."""
    if type(x) is not list or not x:
        return False
    return all(_is_number_list(e) if type(e) is list else isinstance(e, numbers.Number)
               for e in x)


def _describe(x):
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + '...'


def check_call_arguments(callee, args, kwargs):
    """Raises TypeError where an argument of ``callee(*args, **kwargs)`` is a Python
    list of numbers instead of an array.  `callee` names the Link or function."""
    for i, a in enumerate(args):
        if type(a) is list and _is_number_list(a):
            _raise(callee, f'argument {i}', a)
    for k, a in kwargs.items():
        if type(a) is list and _is_number_list(a):
            _raise(callee, f'argument {k!r}', a)


def _raise(callee, where, value):
    raise TypeError(
        f'{callee}: {where} is a Python list ({_describe(value)}); expected a numpy or '
        f'cupy array or a Variable. Convert it first, e.g. '
        f'numpy.asarray(x, dtype=numpy.float32)')

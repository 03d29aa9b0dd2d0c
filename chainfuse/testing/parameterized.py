"""``testing.parameterize``: a unittest class run once per parameter dict.

``@parameterize({'a': 1}, {'a': 2})`` makes ``Test_param_0_{a=1}`` and
``Test_param_1_{a=2}`` whose ``self.a`` is the parameter; a failing test says which
parameters it ran with.  `product` and `product_dict` build the combinations.
"""
import functools
import itertools
import types
import unittest

from chainfuse.testing import _bundle


def _short(text, limit):
    if len(text) <= limit:
        return text
    head = (limit - 3) // 2
    return text[:head] + '...' + text[-(limit - 3 - head):]


def _param_str(value):
    name = getattr(value, '__name__', None)
    return name if isinstance(name, str) else repr(value)


def _class_name(base, i, param):
    params = ', '.join(f'{k}={_short(_param_str(v), 100)}' for k, v in sorted(param.items()))
    return f'{base}_param_{i}_{{{_short(params, 5000)}}}'


def _cases(base, params):
    for i, param in enumerate(params):
        members = {}
        for k, v in sorted(param.items()):
            if isinstance(v, types.FunctionType):    # a function stays a plain function
                members[k] = staticmethod(v)
            else:
                members[k] = v

        def __str__(self, _param=param):
            return f'{unittest.TestCase.__str__(self)}  parameter: {_param}'
        members['__str__'] = __str__
        yield _class_name(base.__name__, i, param), members, _annotating(base, param)


def _annotating(base, param):
    def wrap(method):
        @functools.wraps(method)
        def run(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except unittest.SkipTest:
                raise
            except Exception as e:
                lines = ['Parameterized test failed.', '',
                         f'Base test method: {base.__name__}.{method.__name__}',
                         'Test parameters:'] + [f'  {k}: {v}' for k, v in sorted(param.items())]
                e.add_note('\n'.join(lines))
                raise
        return run
    return wrap


def parameterize(*params):
    """Class decorator: one generated test class per parameter dict (module docstring)."""
    return _bundle.make_decorator(lambda base: _cases(base, params))


def from_pytest_parameterize(names, values):
    """Parameter dicts from pytest's form: ``('a,b', [(1, 2), (3, 4)])``."""
    if not isinstance(names, str) or not isinstance(values, (tuple, list)):
        raise TypeError('from_pytest_parameterize takes a comma-separated string of names '
                        'and a list of values')
    names = names.split(',')
    if len(names) == 1:
        return [{names[0]: v} for v in values]
    out = []
    for v in values:
        if not isinstance(v, (tuple, list)) or len(v) != len(names):
            raise ValueError(f'each value must be a tuple of {len(names)} ({names}), got {v!r}')
        out.append(dict(zip(names, v)))
    return out


def parameterize_pytest(names, values):
    """`parameterize` with pytest's argument form."""
    return parameterize(*from_pytest_parameterize(names, values))


def product(parameter):
    """All combinations: ``product({'a': [1, 2], 'b': [3]})`` gives ``[{'a': 1, 'b': 3},
    {'a': 2, 'b': 3}]``; a list of lists of dicts combines those dicts."""
    if isinstance(parameter, dict):
        return product_dict(*[from_pytest_parameterize(names, values)
                              for names, values in sorted(parameter.items())])
    if isinstance(parameter, list):
        if not all(isinstance(group, list) and all(isinstance(d, dict) for d in group)
                   for group in parameter):
            raise TypeError('product: a list parameter must be a list of lists of dicts')
        return product_dict(*parameter)
    raise TypeError(f'product: parameter must be a dict or a list, got '
                    f'{type(parameter).__name__}')


def product_dict(*parameters):
    """Merged dicts of every combination of one dict from each list."""
    return [{k: v for d in dicts for k, v in d.items()}
            for dicts in itertools.product(*parameters)]

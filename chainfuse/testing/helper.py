"""``testing.with_requires``, ``without_requires``, ``assert_warns`` and ``patch``."""
import contextlib
import importlib
import importlib.metadata
import re
import unittest
import unittest.mock
import warnings

_REQUIREMENT = re.compile(r'^\s*([A-Za-z0-9_.\-]+)\s*(?:(==|!=|>=|<=|>|<)\s*([\w.]+))?\s*$')


def _version_key(text):
    try:
        from packaging.version import Version
        return Version(text)
    except ImportError:  # pragma: no cover - packaging comes with pip/setuptools
        return tuple(int(p) if p.isdigit() else 0 for p in re.split(r'[.+-]', text))


def _satisfied(requirement):
    match = _REQUIREMENT.match(requirement)
    if match is None:
        raise ValueError(f'cannot parse the requirement {requirement!r} (expected '
                         "'name', or 'name>=1.2' with ==, !=, >=, <=, > or <)")
    name, op, wanted = match.groups()
    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    if op is None:
        return True
    have, want = _version_key(installed), _version_key(wanted)
    return {'==': have == want, '!=': have != want, '>=': have >= want,
            '<=': have <= want, '>': have > want, '<': have < want}[op]


def with_requires(*requirements):
    """Skips the test unless every requirement (``'numpy>=1.10'``) is installed."""
    skip = not all(_satisfied(r) for r in requirements)
    return unittest.skipIf(skip, f'requires: {",".join(requirements)}')


def without_requires(*requirements):
    """Skips the test if every requirement is installed."""
    skip = all(_satisfied(r) for r in requirements)
    return unittest.skipIf(skip, f'requires: {",".join(requirements)}')


@contextlib.contextmanager
def assert_warns(expected):
    """Fails unless the block warns with a warning of class `expected`."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        yield
    if not any(isinstance(w.message, expected) for w in caught):
        raise AssertionError(f'{getattr(expected, "__name__", expected)} not triggered')


def _resolve(fullname):
    parts = fullname.split('.')
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], 1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module('.'.join(parts[:i + 1]))
    return obj


def patch(target, *args, **kwargs):
    """``unittest.mock.patch(target, wraps=<the target itself>)``: calls are recorded and
    still reach the real object (give ``wraps=`` to wrap something else)."""
    wraps = kwargs.pop('wraps') if 'wraps' in kwargs else _resolve(target)
    return unittest.mock.patch(target, *args, wraps=wraps, **kwargs)

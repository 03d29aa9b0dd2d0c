"""Collecting table rows from ``table_*.py`` files and checking their coverage."""
import importlib
import importlib.util
import pathlib
import pkgutil
import traceback


from chainfuse.ops import registry


class Loaded:
    """The rows of every table file of a directory, plus the files that failed to load."""

    def __init__(self):
        self.cases = []  # (file stem, Case)
        self.errors = []  # (file name, formatted traceback)


def load_tables(directory, pattern='table_*.py'):
    """Imports every table file under `directory` (by path) and gathers its ``CASES``.

    A file that fails to import is recorded in ``errors`` instead of raising, so one
    broken table does not hide the rows of the others.
    """
    loaded = Loaded()
    for path in sorted(pathlib.Path(directory).glob(pattern)):
        name = f'_chainfuse_table_{path.parent.name}_{path.stem}'
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            cases = list(module.CASES)
        except Exception:
            loaded.errors.append((path.name, traceback.format_exc()))
            continue
        loaded.cases.extend((path.stem, c) for c in cases)
    return loaded


def _unique(ids):
    seen = {}
    out = []
    for i in ids:
        n = seen.get(i, 0)
        seen[i] = n + 1
        out.append(i if n == 0 else f'{i}#{n + 1}')
    return out


def _dtype_id(dtype):
    return 'nofloat' if dtype is None else registry.short_dtype(dtype)


def _case_ids(loaded):
    return _unique([f'{stem}:{c.name}' for stem, c in loaded.cases])


def forward_params(loaded):
    """[(id, case, dtype)] for every row and each of its dtypes."""
    return [(f'{i}-{_dtype_id(d)}', c, d)
            for i, (_, c) in zip(_case_ids(loaded), loaded.cases) for d in c.run_dtypes]


def grad_params(loaded, double=False):
    """[(id, case)] for the rows with gradients (and double backward when `double`)."""
    return [(i, c) for i, (_, c) in zip(_case_ids(loaded), loaded.cases)
            if c.grad_inputs and (c.double or not double)]


def missing_ops(loaded):
    """Names of registered ops that no row targets (or `covers`)."""
    covered = set()
    for _, c in loaded.cases:
        covered.update(c.covers)
        if c.is_op:
            covered.add(c.op.name)
    return [name for name in registry.OPS if name not in covered]


def function_names():
    """{name: object} over the ``__all__`` of every category package of chainfuse.functions."""
    import chainfuse.functions as F
    names = {}
    for info in pkgutil.iter_modules(F.__path__):
        if not info.ispkg:
            continue
        pkg = importlib.import_module(f'chainfuse.functions.{info.name}')
        for name in getattr(pkg, '__all__', ()):
            names[name] = getattr(pkg, name)
    return names


def missing_functions(loaded):
    """Names in the categories' ``__all__`` that no row targets (or `covers`)."""
    targets = {id(c.target) for _, c in loaded.cases}
    covered = {n for _, c in loaded.cases for n in c.covers}
    return sorted(name for name, obj in function_names().items()
                  if id(obj) not in targets and name not in covered)


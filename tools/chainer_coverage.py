"""How much of Chainer 7.8.1's public API chainfuse has: present/total per module.

    python tools/chainer_coverage.py            # one line per module, then the total
    python tools/chainer_coverage.py --missing  # also the missing names of each module

The reference is `chainer7_names.json` beside this file, written by
`make_chainer_names.py` from a Chainer 7.8.1 install (its docstring says what counts
as a public name), so this script needs no Chainer.  ``chainer.X`` is looked up as
``chainfuse.X`` (``import chainfuse as chainer``), ``chainerx`` as the ``chainerx``
module that chainfuse ships.  A name is present when the module imports and has the
attribute; a module that fails to import counts none of its names (and says why).
Run as a script, it counts the chainfuse of the checkout it lives in.
"""
import argparse
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES_FILE = os.path.join(HERE, 'chainer7_names.json')


def reference_names(path=NAMES_FILE):
    """{chainer module name: [public names]} as recorded from Chainer 7.8.1."""
    with open(path) as f:
        return json.load(f)['modules']


def our_module_name(chainer_module):
    if chainer_module == 'chainer' or chainer_module.startswith('chainer.'):
        return 'chainfuse' + chainer_module[len('chainer'):]
    return chainer_module


def coverage(names=None):
    """[(chainer module, present names, missing names, import error or None)]."""
    names = reference_names() if names is None else names
    rows = []
    for module_name, expected in names.items():
        try:
            module = importlib.import_module(our_module_name(module_name))
        except Exception as e:  # a module that does not import has none of its names
            rows.append((module_name, [], list(expected), f'{type(e).__name__}: {e}'))
            continue
        present = [n for n in expected if hasattr(module, n)]
        missing = [n for n in expected if not hasattr(module, n)]
        rows.append((module_name, present, missing, None))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--missing', action='store_true', help='list the missing names')
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.dirname(HERE))     # this checkout's chainfuse and chainerx
    rows = coverage()
    width = max(len(r[0]) for r in rows)
    n_present = n_total = 0
    for module_name, present, missing, error in rows:
        total = len(present) + len(missing)
        n_present += len(present)
        n_total += total
        line = f'{module_name:<{width}}  {len(present):>4}/{total:<4} {_pct(len(present), total)}'
        if error:
            line += f'  (import failed: {error})'
        print(line)
        if args.missing and missing:
            print('    missing: ' + ', '.join(missing))
    print(f'{"total":<{width}}  {n_present:>4}/{n_total:<4} {_pct(n_present, n_total)}')
    return 0


def _pct(a, b):
    return f'{100.0 * a / b:5.1f}%' if b else '    -'


if __name__ == '__main__':
    sys.exit(main())

"""Every code block of README.md works as written.

Python blocks are executed, each in a fresh namespace, in a temporary directory.
Shell blocks are not run (they install packages and train for minutes); each command
is checked instead: the program exists (``python -m <module>`` is importable, a
script path is in the repository, a virtualenv's program was created by an earlier
command of the block), its options parse where the script exposes ``parse_args``,
and the extras ``pip install -e '.[extra]'`` names are in pyproject.toml.
"""
import importlib
import importlib.util
import os
import re
import shutil
import shlex
import tomllib

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, 'README.md')


def blocks(language):
    with open(README, encoding='utf-8') as f:
        text = f.read()
    return re.findall(rf'^```{language}\n(.*?)^```', text, re.M | re.S)


def commands(block):
    """The commands of a shell block: lines (comments dropped) split at ``&&``."""
    out = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = words.index('&&') if '&&' in words else len(words)
            out.append(words[:cut])
            words = words[cut + 1:]
    return out


def test_readme_has_blocks_of_both_kinds():
    assert len(blocks('python')) >= 1 and len(blocks('sh')) >= 4


@pytest.mark.parametrize('index', range(len(blocks('python'))))
def test_python_block_runs(index, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = compile(blocks('python')[index], f'README.md python block {index}', 'exec')
    exec(code, {'__name__': '__readme__'})


@pytest.mark.parametrize('index', range(len(blocks('sh'))))
def test_shell_block_commands_exist_and_parse(index):
    venvs = set()
    for words in commands(blocks('sh')[index]):
        while re.fullmatch(r'[A-Z_]+=\S*', words[0]):       # VAR=value before a command
            name = words.pop(0).split('=')[0]
            assert name.startswith('CHAINFUSE_') and _read_by_chainfuse(name), \
                f'{name}: not an environment variable chainfuse reads'
        program, args = words[0], words[1:]
        if program == 'python' and args[:2] == ['-m', 'venv']:
            venvs.add(args[-1])
        elif program == 'python':
            check_python(args)
        elif program in ('mpiexec', 'mpirun'):
            # the mpi extra's launcher (installed by the test extra): what it runs must
            # be a python command of ours, checked like any other
            assert shutil.which(program), f'{program} is not installed (pip install -e .[mpi])'
            rest = args[args.index('python') + 1:] if 'python' in args else []
            assert rest, f'{program} {" ".join(args)}: expected to run python'
            assert os.path.isfile(os.path.join(ROOT, rest[0])), f'{rest[0]}: no such file'

        else:
            assert program.split('/')[0] in venvs, \
                f'{program}: neither python nor a program of a virtualenv made above'


def _read_by_chainfuse(name):
    for folder, _, files in os.walk(os.path.join(ROOT, 'chainfuse')):
        for f in files:
            if f.endswith('.py'):
                with open(os.path.join(folder, f), encoding='utf-8') as fh:
                    if f"'{name}'" in fh.read():
                        return True
    return False


def check_python(args):
    if args[0] == '-m':
        module, rest = args[1], args[2:]
        assert importlib.util.find_spec(module) is not None, f'python -m {module}: no module'
        if module == 'pip':
            check_pip(rest)
        elif module.startswith('benchmarks.'):
            parse(importlib.import_module(module), rest)
        return
    script = os.path.join(ROOT, args[0])
    assert os.path.isfile(script), f'python {args[0]}: no such file in the repository'
    spec = importlib.util.spec_from_file_location('readme_script', script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    parse(module, args[1:])


def parse(module, args):
    if hasattr(module, 'parse_args'):
        module.parse_args(args)  # argparse exits (SystemExit) on an unknown option


def check_pip(args):
    assert args[0] == 'install', args
    with open(os.path.join(ROOT, 'pyproject.toml'), 'rb') as f:
        extras = set(tomllib.load(f)['project']['optional-dependencies'])
    for arg in args:
        match = re.fullmatch(r'\.\[(.*)\]', arg)
        if match:
            assert set(match.group(1).split(',')) <= extras, f'{arg}: extras are {extras}'


def test_ci_runs_exactly_the_readme_test_command():
    test_blocks = [b.strip() for b in blocks('sh') if 'pytest' in b]
    assert len(test_blocks) == 1, 'one README block holds the test command'
    with open(os.path.join(ROOT, '.ci', 'run'), encoding='utf-8') as f:
        lines = [line.strip() for line in f if line.strip() and not line.startswith('#')]
    assert lines[-1] == test_blocks[0]

"""The kernel cache heals: a corrupt entry (source, Numba's index or machine code;
truncated, empty, garbage or one flipped bit) is found, deleted and rebuilt on the next
compile with one warning, so that run and every later one have no numpy fallbacks
(counted in `chainfuse.explain`) and the run after loads every kernel from the cache.
A read-only cache directory compiles in memory with one warning; two processes that
compile into one directory at once both succeed.

A "run" here is what a new process does: `kernel_cache.forget_loaded()`, then a fresh
compiled model called once with backprop (a forward and a backward kernel)."""
import ctypes
import json
import os
import shutil
import stat
import subprocess
import sys
import warnings

import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse.compiler.codegen import kernel_cache
from chainfuse.runtime.explain import latest_entry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Net(cf.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(6, 16, initialW=_weights())

    def forward(self, x):
        h = self.l1(x)
        return F.sum(F.tanh(h) * F.sigmoid(h) + h * h)


def _weights():
    return numpy.random.RandomState(0).standard_normal((16, 6)).astype('float32') * 0.5


X = numpy.random.RandomState(1).standard_normal((5, 6)).astype('float32')


def run_once():
    """One run as a new process makes it: {'fallbacks', 'kernels', 'hits', 'warnings',
    'loss', 'grad'} (fallbacks counted in the explain report)."""
    kernel_cache.forget_loaded()
    model = cf.compile(Net(), backend='numba')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        loss = model(X)
        loss.backward()
    kernels = [k for plan in latest_entry(model).plans for k in plan.kernels]
    return {'fallbacks': str(cf.explain(model)).count('numpy fallback'),
            'kernels': len(kernels),
            'hits': sum(sum(k.fn.stats.cache_hits.values()) for k in kernels if k.fn),
            'warnings': [str(w.message) for w in caught if 'chainfuse' in str(w.message)],
            'loss': float(loss.array), 'grad': model.l1.W.grad.copy()}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv('CHAINFUSE_CACHE_DIR', str(tmp_path / 'cache'))
    kernel_cache.forget_loaded()
    yield tmp_path / 'cache' / 'kernels'
    kernel_cache.forget_loaded()


@pytest.fixture(scope='module')
def populated(tmp_path_factory):
    """A cache directory filled by one run, and that run's result."""
    root = tmp_path_factory.mktemp('populated')
    old = os.environ.get('CHAINFUSE_CACHE_DIR')
    os.environ['CHAINFUSE_CACHE_DIR'] = str(root)
    try:
        first = run_once()
    finally:
        kernel_cache.forget_loaded()
        if old is None:
            del os.environ['CHAINFUSE_CACHE_DIR']
        else:
            os.environ['CHAINFUSE_CACHE_DIR'] = old
    assert first['kernels'] >= 2 and first['fallbacks'] == 0 and not first['warnings']
    return root, first


def _fill(cache, populated):
    shutil.copytree(populated[0], cache.parent)
    return populated[1]


def _files(cache, kind):
    pattern = {'source': '*.py', 'index': '__pycache__/*.nbi', 'data': '__pycache__/*.nbc'}
    files = sorted(cache.glob(pattern[kind]))
    assert files, f'no {kind} file in {cache}'
    return files


def _corrupt(path, how):
    data = path.read_bytes()
    if how == 'truncated':
        data = data[:len(data) // 2]
    elif how == 'empty':
        data = b''
    elif how == 'garbage':
        data = bytes(numpy.random.RandomState(2).randint(0, 256, 300, dtype=numpy.uint8))
    elif how == 'flipped bit':
        i = len(data) // 2
        data = data[:i] + bytes([data[i] ^ 0x04]) + data[i + 1:]
    path.write_bytes(data)


def _same_result(got, want):
    assert got['loss'] == want['loss']
    numpy.testing.assert_array_equal(got['grad'], want['grad'])


def test_a_second_run_loads_every_kernel_from_the_cache(cache, populated):
    first = _fill(cache, populated)
    again = run_once()
    assert again['fallbacks'] == 0 and not again['warnings']
    assert again['hits'] == again['kernels'] == first['kernels']
    _same_result(again, first)


def _two_ranks():
    """A run that compiles one kernel module for a bias of shape (6,) and then (1, 6)
    (the kernel's source is the same for both: one entry, two overloads): the
    chainfuse warnings, the kernel count of the plan, and its kernel's cache hits and
    misses (one per overload loaded or compiled)."""
    kernel_cache.forget_loaded()
    f = cf.compile(lambda x, b: F.sum(x * F.broadcast_to(b, x.shape)), backend='numba')
    b = numpy.arange(6, dtype='float32')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        for bias in (b, b[None]):
            got = f(X, bias)
            assert got.array == pytest.approx(float(numpy.sum(X * bias)), rel=1e-5)
    kernels = [k for k in latest_entry(f).plans[0].kernels if k.fn]
    return ([str(w.message) for w in caught if 'chainfuse' in str(w.message)], len(kernels),
            sum(sum(k.fn.stats.cache_hits.values()) for k in kernels),
            sum(sum(k.fn.stats.cache_misses.values()) for k in kernels))


def test_a_second_signature_of_a_loaded_kernel_keeps_the_entry_sound(cache):
    """A new overload rewrites Numba's index of an entry this process already loaded;
    its checksums are recorded again, so the next run loads both overloads without
    calling the entry corrupt."""
    assert _two_ranks() == ([], 1, 0, 2)
    assert len(list(cache.glob('__pycache__/*.2.nbc'))) == 1     # one entry, two overloads
    assert _two_ranks() == ([], 1, 2, 0)      # both overloads loaded, nothing compiled


@pytest.mark.parametrize('how', ['truncated', 'empty', 'garbage', 'flipped bit'])
@pytest.mark.parametrize('kind', ['source', 'index', 'data'])
def test_a_corrupt_entry_is_rebuilt_once_with_one_warning(cache, populated, kind, how):
    first = _fill(cache, populated)
    for path in _files(cache, kind):
        _corrupt(path, how)
    healed = run_once()
    assert healed['fallbacks'] == 0
    assert len(healed['warnings']) == len(_files(cache, 'source')), healed['warnings']
    assert all('corrupt' in w and 'compiling the kernel again' in w
               for w in healed['warnings'])
    _same_result(healed, first)
    later = run_once()                  # back to full speed: all loaded, no warning
    assert later['fallbacks'] == 0 and not later['warnings']
    assert later['hits'] == later['kernels']
    _same_result(later, first)


def test_numba_files_without_a_checksum_record_are_rebuilt_quietly(cache, populated):
    # what a process killed between Numba's save and the record leaves, or an old cache
    _fill(cache, populated)
    for path in cache.glob('*.sums'):
        path.unlink()
    rebuilt = run_once()
    assert rebuilt['fallbacks'] == 0 and not rebuilt['warnings']
    assert rebuilt['hits'] == 0             # compiled again, not loaded unchecked
    later = run_once()
    assert later['fallbacks'] == 0 and not later['warnings']
    assert later['hits'] == later['kernels']


def test_files_that_match_their_checksum_but_do_not_load_are_rebuilt(cache, populated):
    # the record was written over files already bad: Numba's load raises, the entry goes
    first = _fill(cache, populated)
    for path in _files(cache, 'data'):
        _corrupt(path, 'garbage')
    for sums in cache.glob('*.sums'):
        record = json.loads(sums.read_text())
        for name in record['files']:
            record['files'][name] = kernel_cache.file_sha256(cache / '__pycache__' / name)
        sums.write_text(json.dumps(record))
    healed = run_once()
    assert healed['fallbacks'] == 0
    assert len(healed['warnings']) == first['kernels']
    assert all('could not be loaded' in w for w in healed['warnings'])
    later = run_once()
    assert later['fallbacks'] == 0 and not later['warnings']
    assert later['hits'] == later['kernels']


def test_a_cache_path_that_is_not_a_directory_compiles_in_memory(tmp_path, monkeypatch):
    (tmp_path / 'file').write_text('not a directory')
    monkeypatch.setenv('CHAINFUSE_CACHE_DIR', str(tmp_path / 'file'))
    kernel_cache.forget_loaded()
    try:
        got = run_once()
    finally:
        kernel_cache.forget_loaded()
    assert got['fallbacks'] == 0 and got['kernels'] >= 2
    assert len(got['warnings']) == 1 and 'cannot be written' in got['warnings'][0]


# ---- runs in other processes ----

def child_main():
    """A run in a child process (see `_child`); prints its result as JSON."""
    import time
    barrier = os.environ.get('KERNEL_CACHE_TEST_BARRIER')
    if barrier:                         # start compiling when every sibling is ready
        me, n = os.environ['KERNEL_CACHE_TEST_ME'], int(os.environ['KERNEL_CACHE_TEST_N'])
        open(os.path.join(barrier, me), 'w').close()
        deadline = time.monotonic() + 120
        while len(os.listdir(barrier)) < n and time.monotonic() < deadline:
            time.sleep(0.005)
    got = run_once()
    got.pop('grad')
    print(json.dumps(got))


def _child(cache_root, preexec_fn=None, **env):
    full = dict(os.environ, CHAINFUSE_CACHE_DIR=str(cache_root), PYTHONPATH=ROOT, **env)
    return subprocess.Popen(
        [sys.executable, '-c',
         'from tests.compiler.test_kernel_cache import child_main; child_main()'],
        cwd=ROOT, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=preexec_fn)


def _result(proc):
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_two_processes_compiling_into_one_directory_both_succeed(cache, tmp_path):
    barrier = tmp_path / 'barrier'
    barrier.mkdir()
    procs = [_child(cache.parent, KERNEL_CACHE_TEST_BARRIER=str(barrier),
                    KERNEL_CACHE_TEST_ME=str(i), KERNEL_CACHE_TEST_N='2') for i in range(2)]
    results = [_result(p) for p in procs]
    for got in results:
        assert got['fallbacks'] == 0 and got['kernels'] >= 2 and not got['warnings']
    assert results[0]['loss'] == results[1]['loss']
    later = run_once()                  # what they left is sound and complete
    assert later['fallbacks'] == 0 and not later['warnings']
    assert later['hits'] == later['kernels']
    assert later['loss'] == results[0]['loss']
    assert not [p for p in cache.rglob('*') if '.tmp' in p.name]


def _without_dac_override():
    """Before exec: drop CAP_DAC_OVERRIDE from the bounding set (prctl PR_CAPBSET_DROP),
    so a root child obeys a directory's missing write bits as any user does."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(24, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), 'prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE)')


def _make_read_only(root):
    for path in [root, *root.rglob('*')]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _make_writable(root):
    for path in [root, *root.rglob('*')]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_a_read_only_cache_compiles_in_memory_with_one_warning(cache, populated):
    first = _fill(cache, populated)
    before = sorted((p.relative_to(cache), p.stat().st_size) for p in cache.rglob('*'))
    _make_read_only(cache.parent)
    try:
        root = os.geteuid() == 0 if hasattr(os, 'geteuid') else False
        try:
            proc = _child(cache.parent, preexec_fn=_without_dac_override if root else None)
        except (OSError, subprocess.SubprocessError) as e:
            pytest.skip(f'cannot make a directory read-only for root here: {e}')
        got = _result(proc)
    finally:
        _make_writable(cache.parent)
    assert got['fallbacks'] == 0 and got['kernels'] == first['kernels']
    assert len(got['warnings']) == 1 and 'cannot be written' in got['warnings'][0]
    assert got['loss'] == first['loss']
    after = sorted((p.relative_to(cache), p.stat().st_size) for p in cache.rglob('*'))
    assert after == before


def test_a_kernel_called_with_other_types_refuses_rather_than_compiling_quietly(cache):
    """A loaded kernel compiles only through load_kernel (under the entry's lock, with
    its checksums recorded): a call with unexpected argument types is Numba's TypeError,
    not a new overload saved behind the record's back."""
    import glob
    f = cf.compile(lambda x, b: F.sum(x * F.broadcast_to(b, x.shape)), backend='numba')
    f(X, numpy.arange(6, dtype='float32'))
    (kernel,) = [k for k in latest_entry(f).plans[0].kernels if k.fn]
    files = sorted(glob.glob(str(cache / '__pycache__' / '*')))
    args = [numpy.ones(a.shape, 'int64') for a in kernel.op.in_avals] + \
        [numpy.empty(a.shape, 'int64') for a in kernel.op.out_avals]
    with pytest.raises(TypeError):
        kernel.fn(*args)
    assert sorted(glob.glob(str(cache / '__pycache__' / '*'))) == files
    caught, kernels, hits, misses = _two_ranks()  # load_kernel still compiles what it is
    assert caught == [] and kernels == 1 and (hits, misses) == (1, 1)    # asked for

"""N=2 ranks on B/2 each == one process on B, eager and compiled (float32 tolerance)."""
import json

import numpy
import pytest

from tests.distributed._mpirun import check, requires_mpi, run, run_python

pytestmark = [requires_mpi, pytest.mark.mpi]
SCRIPT = 'data_parallel_script.py'
STEPS = 5
N_PARAMS = 6


def _load(path):
    with open(str(path) + '.json') as f:
        info = json.load(f)
    return dict(numpy.load(str(path))), info


def _reference(tmp_path, optimizer):
    out = tmp_path / f'ref_{optimizer}.npz'
    check(run_python(SCRIPT, '--reference', '--optimizer', optimizer, '--steps', str(STEPS),
                     '--out', str(out)))
    return _load(out)[0]


def _parallel(tmp_path, mode, comm, optimizer):
    out = tmp_path / f'{mode}_{comm}_{optimizer}.npz'
    check(run(SCRIPT, 2, '--mode', mode, '--comm', comm, '--optimizer', optimizer,
              '--steps', str(STEPS), '--out', str(out)))
    return _load(out)


def _assert_close(got, want):
    assert sorted(got) == sorted(want)
    for name in want:
        numpy.testing.assert_allclose(got[name], want[name], rtol=1e-5, atol=1e-6,
                                      err_msg=name)


@pytest.mark.parametrize('comm', ['flat', 'naive'])
def test_eager_equals_single_process(tmp_path, comm):
    params, info = _parallel(tmp_path, 'eager', comm, 'adagrad')
    _assert_close(params, _reference(tmp_path, 'adagrad'))
    per_step = 1 if comm == 'flat' else N_PARAMS
    assert info['allreduce_calls'] == STEPS * per_step


@pytest.mark.parametrize('comm,optimizer', [('flat', 'adagrad'), ('naive', 'momentum')])
def test_compiled_equals_single_process(tmp_path, comm, optimizer):
    params, info = _parallel(tmp_path, 'compiled', comm, optimizer)
    _assert_close(params, _reference(tmp_path, optimizer))
    stats = info['stats']
    assert stats['compiled_calls'] == STEPS - 1 and stats['fallbacks'] == 0
    # the first step is eager, the trace reduces once, then one plan per step
    per_step = 1 if comm == 'flat' else N_PARAMS
    assert info['allreduce_calls'] == (STEPS + 1) * per_step
    assert stats['plan_ops']['mn_allreduce_mean'] == 1   # one op, every gradient through it


def test_compiled_updater_equals_single_process(tmp_path):
    params, info = _parallel(tmp_path, 'updater', 'flat', 'adam')
    _assert_close(params, _reference(tmp_path, 'adam'))
    assert info['stats']['compiled_calls'] == STEPS - 1
    assert info['stats']['plan_ops']['mn_allreduce_mean'] == 1

"""Smoke test of the benchmark suite: one small model, three frameworks and the bound, --quick.

No timing is asserted: only that the command runs, writes the fields the tables
and the README read, and that the frameworks computed the same model.
"""
import json
import os
import subprocess
import sys

from benchmarks import report

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FRAMEWORKS = ('cf-eager', 'cf-step', 'numpy')
FIELDS = ('step_s', 'it_per_s', 'ratio_vs_eager', 'round_medians_s', 'rounds_spread',
          'repeats_spread', 'rss_setup_mb', 'rss_peak_mb', 'kernels', 'losses', 'startup_s',
          'flags')


def run_quick(tmp_path):
    out = tmp_path / 'results.json'
    # chainer without --peer-python must be reported as skipped, not failed
    cmd = [sys.executable, '-m', 'benchmarks.run', '--quick', '--models', 'mlp100_sgd_b8',
           '--frameworks', ','.join(FRAMEWORKS + ('chainer', 'bound')), '--json', str(out),
           '--results', str(tmp_path / 'RESULTS.md')]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(out.read_text()), (tmp_path / 'RESULTS.md').read_text()


def test_quick_run_writes_results_and_frameworks_agree(tmp_path):
    data, page = run_quick(tmp_path)
    model = data['models']['mlp100_sgd_b8']
    for fw in FRAMEWORKS:
        s = model['summary'][fw]
        assert s['status'] == 'ok', s
        assert all(k in s for k in FIELDS), sorted(s)
        assert len(s['losses']) == data['meta']['settings']['check_steps']
    assert model['summary']['chainer']['status'] == 'skipped'
    # the bound (the step's GEMMs alone) is measured beside them, has no loss, and every
    # framework's time is given over it
    assert model['summary']['bound']['status'] == 'ok'
    assert 'bound' not in model['loss_check']['max_rel']
    assert all(model['summary'][fw]['over_bound'] > 0 for fw in FRAMEWORKS)
    assert '## Time over the bound' in page and '| mlp100_sgd_b8 |' in report.bound_table(data)
    assert model['loss_check']['reference'] == 'cf-eager'
    assert model['loss_check']['mismatch'] == []
    assert model['loss_check']['checksum_mismatch'] == []
    step = model['summary']['cf-step']
    assert step['compile_cold_s'] > 0 and step['fallbacks'] == 0
    assert step['kernels']['launches'] > 0 and step['kernels']['plan_runs'] == 1
    assert model['summary']['cf-eager']['kernels']['eager_ops'] > 0
    assert data['meta']['threads'] >= 1 and 'numpy' in data['meta']['frameworks']
    assert '| mlp100_sgd_b8 |' in page and '## Machine and versions' in page
    assert report.headline_table(data).count('\n') == 2


def test_worker_side_needs_no_chainfuse_torch_or_jax():
    # the Chainer 7 virtualenv runs the worker: it has numpy and Chainer only
    code = ("import sys\n"
            "for name in ('chainfuse', 'torch', 'jax'): sys.modules[name] = None\n"
            "import benchmarks.worker, benchmarks.specs, benchmarks.adapters\n"
            "import benchmarks.adapters.chainer_peer, benchmarks.adapters.numpy_loop\n")
    subprocess.run([sys.executable, '-c', code], cwd=ROOT, check=True, timeout=60)

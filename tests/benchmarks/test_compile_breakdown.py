"""benchmarks/compile_breakdown.py on the smallest suite model, cold then warm, in
fresh processes on one kernel cache: it names the functions Numba compiled, then the
same functions loaded.  No timing is asserted."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(cache):
    env = dict(os.environ, CHAINFUSE_CACHE_DIR=str(cache), PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, '-m', 'benchmarks.compile_breakdown',
                           'mlp100_sgd_b1'], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_compile_breakdown_cold_then_warm(tmp_path):
    cold, warm = _run(tmp_path), _run(tmp_path)
    assert 'mlp100_sgd_b1: import + setup' in cold and 'compile_time' in cold
    compiled = [line.split()[0] for line in cold.splitlines() if ' compiled ' in line]
    assert compiled and 'native_lowering' in cold
    loaded = [line.split()[0] for line in warm.splitlines() if line.endswith(' loaded')]
    assert sorted(loaded) == sorted(compiled) and ' compiled ' not in warm

"""`import chainfuse` stays cheap: no test framework, no graph library until used."""
import subprocess
import sys


def _modules_after_import():
    code = 'import sys, chainfuse; print(" ".join(sorted(sys.modules)))'
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout
    return set(out.split())


def test_import_loads_neither_pytest_nor_networkx():
    loaded = _modules_after_import()
    for heavy in ('pytest', '_pytest', 'chainfuse.testing', 'networkx', 'unittest.mock'):
        assert heavy not in loaded, f'import chainfuse imported {heavy}'


def test_testing_is_imported_on_first_use():
    code = ('import chainfuse; chainfuse.testing.assert_allclose(1.0, 1.0); '
            'from chainfuse.testing import parameterize; print("ok")')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == 'ok'

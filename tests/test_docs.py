"""The docs say what the code does: the design map prints the pass list as it is, and no
file carries an unresolved merge."""
import os
import re
import subprocess

from chainfuse.compiler import PASSES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_design_map_shows_the_pass_list_as_it_prints():
    with open(os.path.join(ROOT, 'docs', 'design.md'), encoding='utf-8') as f:
        text = f.read()
    assert str(PASSES) in text


def test_no_file_carries_merge_conflict_markers():
    files = subprocess.run(['git', 'ls-files', '*.py', '*.md', '*.toml', '*.txt', '*.cfg'],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    marker = re.compile(r'^(<{7} |>{7} |={7}$)', re.M)
    bad = []
    for name in files:
        with open(os.path.join(ROOT, name), encoding='utf-8', errors='replace') as f:
            if marker.search(f.read()):
                bad.append(name)
    assert not bad, f'unresolved merge conflict markers in {bad}'

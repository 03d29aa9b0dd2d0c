"""chainfuse.tracer.dot: DOT files of IR graphs and their images."""
import os
import shutil

import numpy
import pytest

from chainfuse.ops import elementwise as E
from chainfuse.tracer import dump_dot, trace
from chainfuse.utils import default_file_mode


@pytest.mark.skipif(shutil.which('dot') is None, reason="graphviz's dot is not installed")
def test_dump_dot_renders_the_image_alone_beside_the_dot_file(tmp_path):
    graph = trace(lambda x: E.exp(x) * 2, numpy.ones(3, 'float32')).graph
    dump_dot(graph, str(tmp_path / 'g.dot'), render_format='png')
    assert sorted(os.listdir(tmp_path)) == ['g.dot', 'g.png']   # no stray copy, no temp
    assert (tmp_path / 'g.png').read_bytes()[:4] == b'\x89PNG'
    assert os.stat(tmp_path / 'g.png').st_mode & 0o777 == default_file_mode()

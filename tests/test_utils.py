"""Atomic writes give files the mode a plain open() gives, and never leave a partial file."""
import os
import stat

import pytest

from chainfuse import utils
from chainfuse.serializers import save_npz
from chainfuse.training import util as training_util
import chainfuse.links as L


@pytest.fixture(params=[0o022, 0o027])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def _plain_open_mode(directory):
    path = os.path.join(directory, 'plain')
    with open(path, 'w'):
        pass
    return _mode(path)


def test_atomic_write_gives_plain_open_mode(tmp_path, umask):
    path = tmp_path / 'cg.dot'
    utils.atomic_write(path, 'digraph {}\n')
    assert _mode(path) == _plain_open_mode(tmp_path) == 0o666 & ~umask
    assert path.read_text() == 'digraph {}\n'


def test_atomic_open_binary_mode(tmp_path, umask):
    path = tmp_path / 'data.bin'
    with utils.atomic_open(path, 'wb') as f:
        f.write(b'\x00\x01')
    assert _mode(path) == 0o666 & ~umask
    assert path.read_bytes() == b'\x00\x01'


def test_every_package_writer_gives_plain_open_mode(tmp_path, umask):
    expected = 0o666 & ~umask
    save_npz(str(tmp_path / 'model.npz'), L.Linear(2, 3))
    training_util.write_atomically(str(tmp_path / 'log'),
                                   lambda tmp: open(tmp, 'w').close())
    assert _mode(tmp_path / 'model.npz') == expected
    assert _mode(tmp_path / 'log') == expected


def test_failed_write_keeps_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / 'log'
    utils.atomic_write(path, 'old')
    with pytest.raises(RuntimeError):
        with utils.atomic_open(path) as f:
            f.write('half')
            raise RuntimeError('interrupted')
    assert path.read_text() == 'old'
    assert os.listdir(tmp_path) == ['log']

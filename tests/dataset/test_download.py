import hashlib
import os
import time

import pytest

from chainfuse.dataset import download


def test_root_comes_from_the_environment_then_set_dataset_root(tmp_path, monkeypatch):
    monkeypatch.setenv('CHAINFUSE_DATASET_ROOT', str(tmp_path / 'env'))
    assert download.get_dataset_root() == str(tmp_path / 'env')
    d = download.get_dataset_directory('foo')
    assert d == str(tmp_path / 'env' / 'foo') and os.path.isdir(d)
    download.set_dataset_root(tmp_path / 'set')
    try:
        assert download.get_dataset_root() == str(tmp_path / 'set')
    finally:
        download.set_dataset_root(None)
    monkeypatch.delenv('CHAINFUSE_DATASET_ROOT')
    assert download.get_dataset_root().endswith(os.path.join('.chainfuse', 'dataset'))


def test_download_verifies_and_renames_into_place(tmp_path):
    src = tmp_path / 'src.bin'
    src.write_bytes(b'hello' * 1000)
    md5 = hashlib.md5(src.read_bytes()).hexdigest()
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    dest = tmp_path / 'cache' / 'file.bin'
    assert download.download([src.as_uri()], str(dest), md5) == str(dest)
    assert dest.read_bytes() == src.read_bytes()
    dest.unlink()
    download.download([src.as_uri()], str(dest), sha)
    assert dest.exists()


def test_download_tries_each_url_and_reports_all(tmp_path):
    good = tmp_path / 'good.bin'
    good.write_bytes(b'abc')
    md5 = hashlib.md5(b'abc').hexdigest()
    bad = tmp_path / 'bad.bin'
    bad.write_bytes(b'xyz')
    dest = tmp_path / 'out' / 'f'
    download.download([(tmp_path / 'missing').as_uri(), bad.as_uri(), good.as_uri()],
                      str(dest), md5)
    assert dest.read_bytes() == b'abc'
    with pytest.raises(download.DownloadError) as info:
        download.download([(tmp_path / 'missing').as_uri(), bad.as_uri()],
                          str(tmp_path / 'out' / 'g'), md5)
    message = str(info.value)
    assert 'missing' in message and 'bad.bin' in message and 'md5' in message
    assert sorted(os.listdir(tmp_path / 'out')) == ['f']  # no partial files left behind


def test_unreachable_host_fails_fast(tmp_path):
    start = time.monotonic()
    with pytest.raises(download.DownloadError):
        download.download(['http://127.0.0.1:9/nothing'], str(tmp_path / 'x'), timeout=2)
    assert time.monotonic() - start < 10


def test_cache_or_load_file_creates_once_atomically(tmp_path):
    calls = []

    def creator(path):
        calls.append(path)
        with open(path, 'w') as f:
            f.write('made')
        return 'created'

    path = str(tmp_path / 'data.txt')
    assert download.cache_or_load_file(path, creator, lambda p: open(p).read()) == 'created'
    assert download.cache_or_load_file(path, creator, lambda p: open(p).read()) == 'made'
    assert len(calls) == 1 and calls[0] != path
    assert os.listdir(tmp_path) == ['data.txt']


def test_checksum_must_be_md5_or_sha256(tmp_path):
    p = tmp_path / 'f'
    p.write_bytes(b'1')
    with pytest.raises(ValueError, match='md5 .* or sha256'):
        download.verify_checksum(str(p), 'abc')
    with pytest.raises(download.ChecksumError, match='expected'):
        download.verify_checksum(str(p), '0' * 32)

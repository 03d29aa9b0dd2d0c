"""Serves generated data set files from a local directory by file:// URL (no network)."""
import hashlib


def serve(tmp_path, monkeypatch, module, files, env_var):
    """Writes `files` ({name: bytes}) into ``tmp_path/mirror``, points `env_var` at it,
    replaces ``module.CHECKSUMS`` by their md5s and the dataset root by
    ``tmp_path/root``.  Returns the mirror directory."""
    src = tmp_path / 'mirror'
    src.mkdir(exist_ok=True)
    checksums = {}
    for name, blob in files.items():
        (src / name).write_bytes(blob)
        checksums[name] = hashlib.md5(blob).hexdigest()
    monkeypatch.setattr(module, 'CHECKSUMS', checksums)
    monkeypatch.setenv(env_var, src.as_uri() + '/')
    monkeypatch.setenv('CHAINFUSE_DATASET_ROOT', str(tmp_path / 'root'))
    return src


def go_offline(monkeypatch, env_var, mirror):
    """Removes the mirror's files and points `env_var` at a closed port."""
    for f in mirror.iterdir():
        f.unlink()
    monkeypatch.setenv(env_var, 'http://127.0.0.1:9/')

"""Thread-local configuration: defaults, using_config, threads, backprop switches."""
import importlib
import threading

import numpy
import pytest

import chainfuse as chainer

config_module = importlib.import_module('chainfuse.config')  # chainfuse.config is the object


def test_defaults():
    assert chainer.config.train is True
    assert chainer.config.enable_backprop is True
    assert chainer.config.type_check is True
    assert chainer.config.dtype == numpy.float32


def test_using_config_sets_and_restores():
    with chainer.using_config('train', False):
        assert chainer.config.train is False
        with chainer.using_config('train', True):
            assert chainer.config.train is True
        assert chainer.config.train is False
    assert chainer.config.train is True


def test_using_config_restores_after_an_exception():
    with pytest.raises(RuntimeError):
        with chainer.using_config('enable_backprop', False):
            raise RuntimeError
    assert chainer.config.enable_backprop is True


def test_using_config_with_a_new_key():
    with chainer.using_config('my_flag', 3):
        assert chainer.config.my_flag == 3
    with pytest.raises(AttributeError):
        chainer.config.my_flag


def test_using_config_in_a_thread_does_not_leak():
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def worker():
        with chainer.using_config('train', False):
            seen['thread'] = chainer.config.train
            inside.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    assert inside.wait(5)
    seen['main'] = chainer.config.train  # read while the thread is inside its block
    release.set()
    t.join()
    assert seen == {'thread': False, 'main': True}


def test_global_config_is_seen_by_every_thread():
    seen = []
    old = chainer.global_config.debug
    chainer.global_config.debug = True
    try:
        t = threading.Thread(target=lambda: seen.append(chainer.config.debug))
        t.start()
        t.join()
    finally:
        chainer.global_config.debug = old
    assert seen == [True]


def test_no_backprop_mode_in_a_thread_does_not_affect_main():
    seen = {}

    def worker():
        with chainer.no_backprop_mode():
            x = chainer.Variable(numpy.ones(1, dtype=numpy.float32))
            seen['creator'] = (x * 2).creator

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen['creator'] is None
    x = chainer.Variable(numpy.ones(1, dtype=numpy.float32))
    assert (x * 2).creator is not None


def test_force_backprop_mode_inside_no_backprop_mode():
    with chainer.no_backprop_mode():
        assert chainer.config.enable_backprop is False
        with chainer.force_backprop_mode():
            assert chainer.config.enable_backprop is True
        assert chainer.config.enable_backprop is False


def test_compile_switch_reads_the_environment(monkeypatch):
    monkeypatch.setenv('CHAINFUSE_DISABLE_COMPILE', '1')
    assert config_module.GlobalConfig().compile is False
    monkeypatch.setenv('CHAINFUSE_DISABLE_COMPILE', '0')
    assert config_module.GlobalConfig().compile is True


def test_show_lists_keys(capsys):
    chainer.config.show()
    out = capsys.readouterr().out
    assert 'train' in out and 'enable_backprop' in out

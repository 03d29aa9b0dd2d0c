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


# ---- Chainer 7's keys, module name and show() (issue 17) ----

CHAINER7_DEFAULTS = {   # chainer.global_config of Chainer 7.8.1 with no CHAINER_* variables
    'autotune': False, 'compute_mode': None, 'cudnn_deterministic': False,
    'cudnn_fast_batch_normalization': False, 'debug': False, 'dtype': numpy.float32,
    'enable_backprop': True, 'in_recomputing': False, 'keep_graph_on_report': False,
    'lazy_grad_sum': False, 'schedule_func': None, 'train': True, 'type_check': True,
    'use_cudnn': 'auto', 'use_cudnn_tensor_core': 'auto', 'use_ideep': 'never',
    'use_static_graph': True, 'warn_nondeterministic': False,
}


@pytest.mark.parametrize('key', sorted(CHAINER7_DEFAULTS))
def test_chainer7_keys_have_chainers_defaults(key):
    assert getattr(chainer.global_config, key) == CHAINER7_DEFAULTS[key]
    assert getattr(chainer.config, key) == CHAINER7_DEFAULTS[key]


def test_configuration_module_under_chainers_name():
    from chainfuse import configuration
    assert configuration is config_module
    assert configuration.config is chainer.config
    assert configuration.global_config is chainer.global_config
    assert isinstance(chainer.config, configuration.LocalConfig)
    assert isinstance(chainer.global_config, configuration.GlobalConfig)
    with configuration.using_config('use_cudnn', 'never'):
        assert chainer.config.use_cudnn == 'never'


def test_show_separates_the_columns():
    import io
    out = io.StringIO()
    with chainer.using_config('cudnn_fast_batch_normalization', True):
        chainer.config.show(file=out)
        lines = out.getvalue().splitlines()
        width = max(len(line.split()[0]) for line in lines)
        for line in lines:
            key, value = line[:width + 1], line[width + 1:]
            assert key.endswith(' ') and key.strip() == line.split()[0]  # a space at least
            assert value == str(getattr(chainer.config, key.strip()))
    assert 'cudnn_fast_batch_normalization True' in lines
    out = io.StringIO()
    chainer.global_config.show(out)
    assert 'use_ideep' in out.getvalue()


@pytest.mark.parametrize('variable, key, value, expected', [
    ('CHAINER_TYPE_CHECK', 'type_check', '0', False),
    ('CHAINER_DEBUG', 'debug', '1', True),
    ('CHAINER_USE_CUDNN', 'use_cudnn', 'never', 'never'),
    ('CHAINER_DTYPE', 'dtype', 'float16', numpy.float16),
    ('CHAINER_LAZY_GRAD_SUM', 'lazy_grad_sum', '1', True),
])
def test_chainer_environment_variables_set_defaults(monkeypatch, variable, key, value,
                                                     expected):
    monkeypatch.setenv(variable, value)
    assert getattr(config_module.GlobalConfig(), key) == expected


def test_bad_environment_values_say_which_variable(monkeypatch):
    monkeypatch.setenv('CHAINER_DTYPE', 'int8')
    with pytest.raises(TypeError, match='CHAINER_DTYPE'):
        config_module.GlobalConfig()
    monkeypatch.setenv('CHAINER_DTYPE', 'float32')
    monkeypatch.setenv('CHAINER_DEBUG', 'yes')
    with pytest.raises(ValueError, match='CHAINER_DEBUG'):
        config_module.GlobalConfig()

"""``testing.BackendConfig`` and ``inject_backend_tests``: one test per backend.

``@inject_backend_tests(['test_forward'], [{}, {'use_cuda': True}])`` runs each named
method once per configuration, passing a `BackendConfig`: its ``device`` and ``xp``,
``get_array(numpy_array)`` to move inputs, and ``with backend_config:`` to set the
configuration (``use_cudnn``, ...) and the device for a block.  GPU configurations
carry ``attr.gpu`` (skipped without a GPU); ChainerX and iDeep ones are skipped.
"""
import functools

from chainfuse import backend as backend_module
from chainfuse.config import using_config
from chainfuse.testing import _bundle, attr


class BackendConfig:
    """One backend configuration of a test (module docstring)."""

    _props = [('use_chainerx', False), ('chainerx_device', None), ('use_cuda', False),
              ('cuda_device', None), ('use_cudnn', 'never'), ('cudnn_deterministic', False),
              ('autotune', False), ('cudnn_fast_batch_normalization', False),
              ('use_ideep', 'never')]
    _device = None

    def __init__(self, params):
        if not isinstance(params, dict):
            raise TypeError(f'BackendConfig: params must be a dict, got {type(params).__name__}')
        self._contexts = []
        for k, v in self._props:
            setattr(self, k, v)
        for k, v in params.items():
            if not any(k == name for name, _ in self._props):
                raise ValueError(f'BackendConfig: unknown parameter {k!r}; known: '
                                 f'{[name for name, _ in self._props]}')
            setattr(self, k, v)
        if self.use_cuda and self.cuda_device is None:
            self.cuda_device = 0

    @property
    def device(self):
        if self._device is None:
            if self.use_cuda:
                self._device = backend_module.get_device(self.cuda_device)
            elif self.use_chainerx:
                self._device = backend_module.ChainerxDevice()      # raises
            elif self.use_ideep != 'never':
                self._device = backend_module.Intel64Device()       # raises
            else:
                self._device = backend_module.CPU
        return self._device

    @property
    def xp(self):
        return self.device.xp

    def __enter__(self):
        contexts = [using_config('use_cudnn', self.use_cudnn),
                    using_config('cudnn_deterministic', self.cudnn_deterministic),
                    using_config('autotune', self.autotune),
                    using_config('use_ideep', self.use_ideep),
                    backend_module.using_device(self.device)]
        for c in contexts:
            c.__enter__()
        self._contexts.append(contexts)
        return self

    def __exit__(self, *exc):
        for c in reversed(self._contexts.pop()):
            c.__exit__(*exc)

    def __repr__(self):
        return '<BackendConfig ' + ' '.join(f'{k}={getattr(self, k)!r}'
                                            for k, _ in self._props) + '>'

    def get_func_str(self):
        """The configuration as a string usable in a name."""
        def text(v):
            return {True: 'true', False: 'false'}.get(v, str(v)) if isinstance(v, bool) \
                else str(v)
        return '__'.join(f'{k}_{text(getattr(self, k))}' for k, _ in self._props)

    def get_pytest_marks(self):
        if self.use_chainerx:
            return [attr.chainerx]
        if self.use_cuda:
            marks = [attr.gpu]
            if self.use_cudnn != 'never':
                marks.append(attr.cudnn)
            if self.cuda_device >= 1:
                marks.append(attr.multi_gpu(self.cuda_device + 1))
            return marks
        return [attr.ideep] if self.use_ideep != 'never' else []

    def get_array(self, np_array):
        """`np_array` on this configuration's device."""
        return self.device.send(np_array)


def _cases(base, method_names, params):
    if method_names is not None:        # the other test methods, as they are
        yield base.__name__, {}, lambda m: None if m.__name__ in method_names else m
    for param in params:
        config = BackendConfig(param)
        marks = config.get_pytest_marks()

        def wrap(method, _config=config, _marks=marks):
            if method_names is not None and method.__name__ not in method_names:
                return None

            @functools.wraps(method)
            def run(self, *args, **kwargs):
                return method(self, _config, *args, **kwargs)
            for mark in _marks:
                run = mark(run)
            return run
        yield f'{base.__name__}_{config.get_func_str()}', {}, wrap


def inject_backend_tests(method_names, params):
    """Class decorator: the methods `method_names` (None: all ``test_*``) run once per
    backend configuration in `params` (a list of dicts), given a `BackendConfig`."""
    if not (method_names is None or isinstance(method_names, list)):
        raise TypeError('inject_backend_tests: method_names must be None or a list')
    if not isinstance(params, list) or not all(isinstance(d, dict) for d in params):
        raise TypeError('inject_backend_tests: params must be a list of dicts')
    return _bundle.make_decorator(lambda base: _cases(base, method_names, params))

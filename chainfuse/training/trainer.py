"""Trainer: the training loop, with extensions run by triggers."""
import contextlib
import json
import os
import sys
import time

from chainfuse import random as cf_random
from chainfuse.reporter import Reporter
from chainfuse.training import extension as extension_module
from chainfuse.training import util


class _ExtensionEntry:
    def __init__(self, extension, priority, trigger, call_before_training=False):
        self.extension = extension
        self.priority = priority
        self.trigger = trigger
        self.call_before_training = call_before_training


class Trainer:
    """The standard training loop.

    ``run()`` repeats, until `stop_trigger` fires:

    1. a fresh observation dict becomes ``trainer.observation`` and the scope of
       the trainer's Reporter, so every ``chainfuse.report(...)`` made during the
       iteration lands in it ('main/loss' from ``L.Classifier``);
    2. ``updater.update()`` does one training step;
    3. each extension whose trigger fires is called, highest priority first
       (Evaluator writes 'validation/...' before LogReport reads).

    An exception raised by an extension propagates with a note naming the
    extension; ``finalize()`` is called on every extension and on the updater
    whatever happens.

    The optimizers' targets are registered with the reporter as observers named
    after the optimizer ('main'), and each of their sublinks under its path
    ('main/predictor/l1'), as Chainer does.

    ``serialize`` (through ``serializers.save_npz/load_npz``) saves and restores
    the updater (model, optimizer state, iterator position, counters), the stop
    trigger, each extension's state and trigger, the elapsed time and
    chainfuse's random generator, so that a run resumed from a snapshot
    continues exactly as the interrupted one would have.

    Args:
        updater: the Updater.
        stop_trigger: when to stop: ``(n, 'epoch' | 'iteration')`` or a trigger
            (None: never).
        out: output directory for logs, snapshots and graphs.
        extensions: extensions to register at once.
    """

    def __init__(self, updater, stop_trigger=(20, 'epoch'), out='result', extensions=None):
        self.updater = updater
        self.stop_trigger = util.get_trigger(stop_trigger)
        self.observation = {}
        self.out = out
        self.reporter = Reporter()
        for name, optimizer in updater.get_all_optimizers().items():
            self.reporter.add_observer(name, optimizer.target)
            self.reporter.add_observers(name, optimizer.target.namedlinks(skipself=True))
        self._extensions = {}
        self._done = False
        self._start_at = None
        self._snapshot_elapsed_time = 0.0
        self._final_elapsed_time = None
        updater.connect_trainer(self)
        for ext in extensions or ():
            self.extend(ext)

    @property
    def elapsed_time(self):
        """Seconds of training so far, including those before the snapshot it resumed from."""
        if self._done:
            return self._final_elapsed_time
        if self._start_at is None:
            raise RuntimeError('training has not been started yet (call trainer.run())')
        return time.perf_counter() - self._start_at + self._snapshot_elapsed_time

    def extend(self, extension, name=None, trigger=None, priority=None, *,
               call_before_training=False, **kwargs):
        """Registers an extension.

        Args:
            extension: an Extension or any callable ``f(trainer)``.
            name: its name; defaults to ``extension.name``, ``default_name`` or
                ``__name__``.  A taken name gets a suffix ``_1``, ``_2``...
            trigger: when to call it; defaults to ``extension.trigger``, else
                every iteration.
            priority: defaults to ``extension.priority``, else PRIORITY_READER.
            call_before_training (bool): also call it once before the first
                iteration (after every extension's ``initialize``), in the
                trainer's reporter scope; not when resuming past iteration 0.
        """
        if kwargs:
            if 'invoke_before_training' in kwargs:
                raise ValueError('extend(invoke_before_training=...) was removed in Chainer '
                                 '2; give the extension an initialize(trainer) method, or '
                                 'pass call_before_training=True')
            raise TypeError(f'extend() got unexpected keyword arguments {sorted(kwargs)}')
        name = name or _default_name(extension)
        if name == 'training':
            raise ValueError('the name "training" is reserved and cannot name an extension')
        if trigger is None:
            trigger = getattr(extension, 'trigger', (1, 'iteration'))
        if priority is None:
            priority = getattr(extension, 'priority', extension_module.PRIORITY_READER)
        unique, ordinal = name, 0
        while unique in self._extensions:
            ordinal += 1
            unique = f'{name}_{ordinal}'
        extension.name = unique
        self._extensions[unique] = _ExtensionEntry(extension, priority,
                                                   util.get_trigger(trigger),
                                                   call_before_training)

    def get_extension(self, name):
        """The extension registered under `name`."""
        if name not in self._extensions:
            raise ValueError(f'extension {name!r} not found; registered: '
                             f'{sorted(self._extensions)}')
        return self._extensions[name].extension

    def run(self, show_loop_exception_msg=True):
        """Runs the training loop until the stop trigger fires (once per Trainer)."""
        if self._done:
            raise RuntimeError('cannot run the training loop of a Trainer twice')
        os.makedirs(self.out, exist_ok=True)
        extensions = sorted(self._extensions.items(), key=lambda kv: -kv[1].priority)
        self._start_at = time.perf_counter()
        failed = True
        try:
            self._initialize(extensions)
            self._before_training(extensions)
            self._loop(extensions)
            failed = False
        except Exception as e:
            if show_loop_exception_msg:
                sys.stderr.write(f'Exception in main training loop: {e}\n'
                                 'Will finalize trainer extensions and updater before '
                                 're-raising the exception.\n')
            self._on_error(extensions, e)
            raise
        finally:
            self._finalize(extensions, raise_errors=not failed)
        self._final_elapsed_time = self.elapsed_time
        self._done = True

    def _initialize(self, extensions):
        # Extensions that load a snapshot (snapshot(autoload=True)) go first, so the
        # others initialize from the restored state.
        ordered = sorted(extensions, key=lambda kv: not getattr(kv[1].extension, 'autoload',
                                                                False))
        for name, entry in ordered:
            initialize = getattr(entry.extension, 'initialize', None)
            if initialize and not getattr(entry.trigger, 'finished', False):
                _call_noting(name, initialize, self)

    @property
    def is_before_training(self):
        """True until the first iteration has run (resumed runs: never)."""
        return self.updater.iteration == 0

    def _before_training(self, extensions):
        if not self.is_before_training:
            return
        self.observation = {}
        with self.reporter.scope(self.observation):
            for name, entry in extensions:
                if entry.call_before_training:
                    _call_noting(name, entry.extension, self)

    def _loop(self, extensions):
        while not self.stop_trigger(self):
            self.observation = {}
            with self.reporter.scope(self.observation):
                try:
                    self.updater.update()
                except Exception as e:
                    e.add_note(f'raised by the updater at iteration '
                               f'{self.updater.iteration + 1}')
                    raise
                for name, entry in extensions:
                    if entry.trigger(self):
                        _call_noting(name, entry.extension, self)

    def _on_error(self, extensions, exc):
        for name, entry in extensions:
            handler = getattr(entry.extension, 'on_error', None)
            if handler:
                try:
                    handler(self, exc, exc.__traceback__)
                except Exception as e2:  # keep the original error
                    sys.stderr.write(f'on_error of extension {name!r} raised {e2!r}\n')

    def _finalize(self, extensions, raise_errors):
        errors = []
        for name, entry in extensions:
            finalize = getattr(entry.extension, 'finalize', None)
            if finalize:
                try:
                    finalize()
                except Exception as e:
                    e.add_note(f"raised by finalize() of trainer extension '{name}'")
                    errors.append(e)
        self.updater.finalize()
        if errors and raise_errors:
            raise errors[0]

    def serialize(self, serializer):
        self.updater.serialize(serializer['updater'])
        if hasattr(self.stop_trigger, 'serialize'):
            self.stop_trigger.serialize(serializer['stop_trigger'])
        s = serializer['extensions']
        t = serializer['extension_triggers']
        for name, entry in self._extensions.items():
            if hasattr(entry.extension, 'serialize'):
                entry.extension.serialize(s[name])
            if hasattr(entry.trigger, 'serialize'):
                entry.trigger.serialize(t[name])
        if util.is_saving(serializer):
            elapsed = self.elapsed_time if self._start_at is not None else \
                self._snapshot_elapsed_time
            serializer('_snapshot_elapsed_time', elapsed)
            serializer('random_state', json.dumps(cf_random.get_state()))
        elif getattr(serializer, 'dry_run', False):  # check the entries, change nothing
            serializer('_snapshot_elapsed_time', 0.0)
            with contextlib.suppress(KeyError):
                serializer('random_state', '')
        else:
            self._snapshot_elapsed_time = float(serializer('_snapshot_elapsed_time', 0.0))
            if self._start_at is not None:
                self._start_at = time.perf_counter()
            _load_random_state(serializer)


def _load_random_state(serializer):
    try:
        state = serializer('random_state', '')
    except KeyError:  # a snapshot written by Chainer has no generator state
        return
    if str(state):
        cf_random.set_state(json.loads(str(state)))


def _default_name(extension):
    for attr in ('name', 'default_name', '__name__'):
        name = getattr(extension, attr, None)
        if name is not None:
            return name
    raise TypeError(f'cannot name the extension {extension!r}: pass name= to extend()')


def _call_noting(name, fn, *args):
    try:
        return fn(*args)
    except Exception as e:
        e.add_note(f"raised by trainer extension '{name}'")
        raise

"""The on-disk cache of CPU kernels: entries that are checked, healed and shared.

An entry is one kernel module under ``CHAINFUSE_CACHE_DIR/kernels`` (default
``~/.cache/chainfuse/kernels``)::

    chainfuse_kernel_<op>_<key>.py        the generated source (key: hash of the source)
    chainfuse_kernel_<op>_<key>.sums      sha256 of each of Numba's files below
    chainfuse_kernel_<op>_<key>.lock      taken (flock) while the entry is checked or built
    __pycache__/chainfuse_kernel_<op>_<key>.<fn>-<line>.py311.nbi   Numba's index
    __pycache__/chainfuse_kernel_<op>_<key>.<fn>-<line>.py311.1.nbc Numba's machine code

(Numba's files live where Numba puts them: ``__pycache__`` beside the source, or under
``NUMBA_CACHE_DIR``.)  `load_kernel` runs, under the entry's lock:

1. the source on disk must equal the generated text, else it is rewritten;
2. every Numba file of the entry must match its recorded checksum.  Numba does not
   check its own files: a truncated or garbage one makes its load raise (the kernel
   would then run as numpy calls, on every later run too), and a flipped bit in the
   machine code may load and compute wrong numbers or abort the process from inside
   LLVM.  So a file that is unrecorded or does not match is never given to Numba;
3. a defect found in 1 or 2 is reported in one warning, and the entry's files are
   deleted, so Numba compiles the kernel again and saves fresh files.  Numba files
   with no record at all (a process stopped between Numba's save and step 4, or a
   cache from before records were kept) are deleted too, without a warning;
4. after a compile (not after a load from the cache) the checksums are recorded anew,
   written to a temporary file and renamed over the old record.

The lock makes a second process that builds the same kernel at the same time wait,
then load what the first one saved.  Numba itself writes each file to a temporary
name and renames it, as `atomic_write` does for the source and the record.  The
module is run from the generated text, not imported, so no ``.pyc`` is involved (a
corrupt one with an intact header would raise rather than be recompiled).

A cache directory that cannot be written (read-only, or not a directory) is not used:
kernels are compiled in memory, once per process, with one warning per directory.
"""
import contextlib
import hashlib
import json
import linecache
import os
import sys
import tempfile
import types
import warnings

from chainfuse.utils import atomic_write

try:
    import fcntl
except ImportError:             # Windows: no locking between processes
    fcntl = None

CACHE_DECORATOR = '@numba.njit(cache=True,'   # how the generated source asks for caching


def cache_dir():
    root = os.environ.get('CHAINFUSE_CACHE_DIR') or os.path.join(
        os.path.expanduser('~'), '.cache', 'chainfuse')
    return os.path.join(root, 'kernels')


_modules = {}           # module name -> module, loaded in this process
_writable = {}          # directory -> None (writable) or the reason it is not


def forget_loaded():
    """Forgets the kernels loaded in this process, so the next `load_kernel` reads the
    cache as a new process would (tests use it)."""
    _modules.clear()
    _writable.clear()


def load_kernel(mod_name, source, fn_name, signature):
    """The Numba dispatcher `fn_name` of kernel module `mod_name` (text `source`),
    compiled for `signature`: from the cache when its entry is sound (module doc)."""
    loaded = _modules.get(mod_name)
    if loaded is None:
        directory, module = cache_dir(), None
        if _unwritable(directory) is None:
            try:
                module = _load_cached(directory, mod_name, source, fn_name, signature)
            except OSError as e:        # e.g. the disk filled up
                warnings.warn(f'chainfuse: could not cache kernel {mod_name} in {directory} '
                              f'({type(e).__name__}: {e}); compiling it in memory')
        if module is None:
            module, directory = _load_in_memory(mod_name, source), None
        _modules[mod_name] = loaded = (module, directory)
    module, directory = loaded
    fn = getattr(module, fn_name)
    fn.disable_compile(False)
    try:
        if directory is None:
            fn.compile(signature)   # in memory: a no-op once compiled in this process
        else:
            _compile_another(fn, directory, mod_name, signature)
    finally:
        # a call with other argument types raises Numba's TypeError rather than compiling
        # an overload quietly (outside the lock, saved without a checksum record)
        fn.disable_compile()
    return fn


def _compile_another(fn, directory, mod_name, signature):
    """Compiles an entry already loaded in this process for `signature` (a no-op when
    it is compiled already).  A new signature is a new overload, which Numba loads from
    or adds to the entry's files (rewriting its index), so this happens under the
    entry's lock and the checksums are recorded again after a compile; otherwise the
    next process would find files that do not match their record, call the entry
    corrupt and compile every overload again."""
    if _compiled_for(fn, signature):
        return
    with _locked(os.path.join(directory, mod_name + '.lock')):
        misses = sum(fn.stats.cache_misses.values())
        fn.compile(signature)
        if sum(fn.stats.cache_misses.values()) != misses:
            _record_sums(fn, mod_name, os.path.join(directory, mod_name + '.sums'))


def _compiled_for(fn, signature):
    import numba.core.sigutils      # numba is loaded already: fn is its dispatcher
    try:
        args, _ = numba.core.sigutils.normalize_signature(signature)
    except Exception:           # not a form normalize_signature reads: compile decides
        return False
    return tuple(args) in fn.overloads


def _unwritable(directory):
    """None if kernels can be cached in `directory`, else why not (warned once)."""
    if directory not in _writable:
        try:
            os.makedirs(directory, exist_ok=True)
            tempfile.TemporaryFile(dir=directory).close()
            _writable[directory] = None
        except OSError as e:
            _writable[directory] = f'{type(e).__name__}: {e}'
            warnings.warn(f'chainfuse: the kernel cache directory {directory} cannot be '
                          f'written ({_writable[directory]}); compiling kernels in memory, '
                          'so every process compiles them again. Set CHAINFUSE_CACHE_DIR '
                          'to a writable directory to cache them.')
    return _writable[directory]


def _load_cached(directory, mod_name, source, fn_name, signature):
    path = os.path.join(directory, mod_name + '.py')
    sums_path = os.path.join(directory, mod_name + '.sums')
    with _locked(os.path.join(directory, mod_name + '.lock')):
        defects = []
        text = _read_source(path)
        if text != source:
            if text is not None:
                defects.append(f'{os.path.basename(path)} {_describe(text, source)}')
            atomic_write(path, source)
        # run from the text, not imported: Numba finds its files from the module's path,
        # and no .pyc is read (a corrupt one with an intact header would raise) or written
        module = _exec(mod_name, path, source)
        fn = getattr(module, fn_name)
        found, trusted = _check_numba_files(fn, mod_name, sums_path)
        defects += found
        if defects:
            warnings.warn(f'chainfuse: kernel cache entry {mod_name} in {directory} was '
                          f'corrupt ({"; ".join(defects)}); deleted it, compiling the '
                          'kernel again')
        if defects or not trusted:
            _delete_numba_files(fn, mod_name, sums_path)
        try:
            fn.compile(signature)
        except Exception:
            if not _numba_files(fn, mod_name):
                raise           # not a load from the cache: the kernel does not compile
            # a sound checksum over files Numba cannot load: written corrupt
            warnings.warn(f'chainfuse: kernel cache entry {mod_name} in {directory} '
                          'could not be loaded; deleted it, compiling the kernel again')
            _delete_numba_files(fn, mod_name, sums_path)
            module = _exec(mod_name, path, source)
            fn = getattr(module, fn_name)
            fn.compile(signature)
        if sum(fn.stats.cache_misses.values()):     # compiled (and saved) just now
            _record_sums(fn, mod_name, sums_path)
    return module


def _load_in_memory(mod_name, source):
    if CACHE_DECORATOR not in source:
        raise ValueError(f'kernel source of {mod_name} has no {CACHE_DECORATOR!r} line')
    text = source.replace(CACHE_DECORATOR, '@numba.njit(cache=False,')
    filename = f'<chainfuse kernel {mod_name}>'
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    return _exec(mod_name, filename, text)


def _exec(mod_name, filename, text):
    module = types.ModuleType(mod_name)
    module.__file__ = filename
    sys.modules[mod_name] = module
    try:
        exec(compile(text, filename, 'exec'), module.__dict__)
    except BaseException:
        sys.modules.pop(mod_name, None)
        raise
    return module


def _read_source(path):
    """The text at `path`, '' for bytes that are not UTF-8, None if there is none."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError:
        return None
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        return ''


def _describe(found, expected):
    if not found:
        return 'was empty or not text'
    if expected.startswith(found):
        return f'was truncated ({len(found)} of {len(expected)} characters)'
    return 'differed from the generated source'


# ---- Numba's files of an entry, and their checksums ----

def _numba_dir(fn):
    cache = getattr(fn, '_cache', None)
    return getattr(cache, 'cache_path', None)    # None: Numba does not cache it


def _numba_files(fn, mod_name):
    """{file name: path} of Numba's index and data files of the entry."""
    directory = _numba_dir(fn)
    if directory is None or not os.path.isdir(directory):
        return {}
    prefix = mod_name + '.'
    return {name: os.path.join(directory, name) for name in os.listdir(directory)
            if name.startswith(prefix) and name.endswith(('.nbi', '.nbc'))}


def file_sha256(path):
    """The sha256 hex digest of the file at `path`."""
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def _check_numba_files(fn, mod_name, sums_path):
    """(defects, trusted): what is wrong with the entry's Numba files, as phrases, and
    whether they may be loaded.  Files with no record at all are not loaded, but are
    no defect: a process stopped between Numba's save and the record, or a cache
    written before records were kept."""
    files = _numba_files(fn, mod_name)
    if not files:
        return [], True
    try:
        with open(sums_path, encoding='utf-8') as f:
            sums = json.load(f)['files']
        if not isinstance(sums, dict):
            raise TypeError('files is not a mapping')
    except FileNotFoundError:
        return [], False
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [f'{os.path.basename(sums_path)} unreadable ({type(e).__name__})'], False
    defects = []
    for name, path in sorted(files.items()):
        try:
            digest = file_sha256(path)
        except OSError:
            continue                # removed meanwhile: Numba compiles it again
        if sums.get(name) != digest:
            defects.append(f'{name} does not match its checksum')
    return defects, not defects


def _record_sums(fn, mod_name, sums_path):
    sums = {name: file_sha256(path) for name, path in _numba_files(fn, mod_name).items()}
    atomic_write(sums_path, json.dumps({'files': sums}, indent=1, sort_keys=True))


def _delete_numba_files(fn, mod_name, sums_path):
    directory = _numba_dir(fn)
    names = os.listdir(directory) if directory and os.path.isdir(directory) else []
    paths = [os.path.join(directory, n) for n in names if n.startswith(mod_name + '.')]
    for path in paths + [sums_path]:     # index, data and Numba's leftover temporaries
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


@contextlib.contextmanager
def _locked(path):
    """Holds an exclusive lock on `path` (created if needed) for the block."""
    if fcntl is None:
        yield
        return
    with open(path, 'a') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)

"""Facts about the machine and the numerical libraries (stdlib and numpy only)."""
import os
import platform
import sys


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def machine():
    return {'cpu': cpu_model(), 'cores': os.cpu_count(), 'os': platform.platform(),
            'python': sys.version.split()[0], 'executable': sys.executable}


def git_state(root):
    """'<commit> (+N changed files under chainfuse/)' of the checkout, or None."""
    import subprocess
    try:
        head = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=root, text=True,
                              capture_output=True, timeout=10).stdout.strip()
        dirty = subprocess.run(['git', 'status', '--porcelain', '--', 'chainfuse'], cwd=root,
                               text=True, capture_output=True, timeout=10).stdout.split('\n')
    except (OSError, subprocess.SubprocessError):
        return None
    n = sum(1 for line in dirty if line.strip())
    return f'{head} (+{n} changed files under chainfuse/)' if n else head


def load_average():
    """The 1, 5 and 15 minute load averages (other work on this shared machine)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def blas_threads():
    """Threads numpy's BLAS uses here: threadpoolctl's answer, else the environment,
    else the number of CPUs (OpenBLAS's own default)."""
    try:
        import numpy  # noqa: F401  (threadpoolctl only sees loaded libraries)
        import threadpoolctl
        for pool in threadpoolctl.threadpool_info():
            if pool.get('user_api') == 'blas':
                return int(pool['num_threads']), 'threadpoolctl'
    except ImportError:
        pass
    n = _openblas_threads()
    if n:
        return n, 'openblas_get_num_threads'
    for name in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        if os.environ.get(name, '').isdigit():
            return int(os.environ[name]), name
    return os.cpu_count() or 1, 'os.cpu_count()'


def numpy_info():
    """numpy's version and BLAS (name, version, threads)."""
    import numpy
    out = {'numpy': numpy.__version__}
    blas = _blas_from_config(numpy)
    if blas:
        out['numpy BLAS'] = blas
    threads, source = blas_threads()
    out['numpy BLAS threads'] = f'{threads} ({source})'
    return out


def _blas_from_config(numpy):
    try:
        cfg = numpy.show_config(mode='dicts')
        b = cfg['Build Dependencies']['blas']
        return f"{b.get('name')} {b.get('version')}"
    except Exception:  # numpy < 1.25 has no mode='dicts'
        pass
    try:
        import threadpoolctl
        for pool in threadpoolctl.threadpool_info():
            if pool.get('user_api') == 'blas':
                return f"{pool['internal_api']} {pool.get('version')}"
    except ImportError:
        pass
    return ', '.join(os.path.basename(p) for p in _blas_libs())


def _blas_libs():
    """Paths of the loaded shared objects whose name mentions blas (Linux)."""
    try:
        with open('/proc/self/maps') as f:
            libs = {line.split()[-1] for line in f if 'blas' in line.lower()}
    except OSError:
        return []
    return sorted(p for p in libs if p.startswith('/'))


def _openblas_threads():
    """openblas_get_num_threads() of the OpenBLAS numpy loaded, or None."""
    import ctypes
    import numpy  # noqa: F401
    for path in _blas_libs():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ('openblas_get_num_threads64_', 'openblas_get_num_threads',
                     'scipy_openblas_get_num_threads64_'):
            fn = getattr(lib, name, None)
            if fn is not None:
                return int(fn())
    return None


def rss_now_mb():
    """Current resident set size of this process in MiB (Linux), else None."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_peak_mb():
    """Peak resident set size of this process in MiB (getrusage ru_maxrss)."""
    import resource
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != 'darwin' else kb / 2**20

"""Records the Chainer 7.8.1 side of the parity cases into ``parity.npz``.

Run with a Chainer 7.8.1 install (numpy 1.23.5, CPU), from the repository root::

    PYTHONPATH=/path/to/scipy /path/to/chainer7/bin/python \
        tests/data/chainer7/make_parity.py [--vision]

(``python -m venv chainer7 && chainer7/bin/pip install 'setuptools<70' wheel
'numpy<1.24' && chainer7/bin/pip install --no-build-isolation chainer==7.8.1``.)
Chainer computes the special functions (erfinv, digamma, ...) on the CPU with SciPy:
put a SciPy built for numpy 1.23 on PYTHONPATH (``pip install --target DIR
scipy==1.10.1``, then delete the numpy it drags into DIR).  ``--vision`` also writes
``vision_models.json`` (the ImageNet models' parameter names and shapes; slow).

The cases are in `parity_cases.py`; the keys are ``<case>/in<k>``, ``<case>/out<k>``,
``<case>/w<k>`` (the output weights of the differentiated scalar), ``<case>/gin<k>``,
``<case>/param/<path>``, ``<case>/persist/<path>`` (persistent arrays before the
call), ``<case>/init/<path>`` (with check_init) and ``<case>/gparam/<path>``.
"""
import os
import sys

import numpy

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import chainer  # noqa: E402
import chainer.link_hooks  # noqa: E402,F401
import parity_cases  # noqa: E402


def _variables(case, xs):
    return [chainer.Variable(x) if x.dtype.kind == 'f' and k not in case.nograd else x
            for k, x in enumerate(xs)]


def record(case, out):
    xs = case.make_inputs()
    for k, x in enumerate(xs):
        out[f'{case.name}/in{k}'] = x
    link = case.link(chainer) if case.link is not None else None
    if link is not None and case.check_init:
        for path, p in link.namedparams():
            out[f'{case.name}/init{path}'] = p.array.copy()

    def run():
        vs = _variables(case, xs)
        args = (chainer, link) if link is not None else (chainer,)
        return vs, parity_cases.flatten(case.call(*args, *vs))

    if link is not None and case.warmup:
        with chainer.using_config('train', case.train):
            run()
        if hasattr(link, 'reset_state'):
            link.reset_state()
    if link is not None and case.params:
        for path, p in link.namedparams():
            out[f'{case.name}/param{path}'] = p.array.copy()
        for prefix, sub in link.namedlinks():
            for name in sorted(sub._persistent):
                value = getattr(sub, name)
                if isinstance(value, numpy.ndarray):
                    out[f'{case.name}/persist{prefix.rstrip("/")}/{name}'] = value.copy()
    with chainer.using_config('train', case.train):
        vs, ys = run()
    rng = numpy.random.RandomState(1)
    total = None
    for k, y in enumerate(ys):
        if not isinstance(y, chainer.Variable):   # an index array (return_indices=True)
            out[f'{case.name}/out{k}'] = numpy.asarray(y)
            continue
        out[f'{case.name}/out{k}'] = y.array
        if case.grad and y.dtype.kind == 'f':
            w = rng.uniform(-1, 1, y.shape).astype(y.dtype)
            out[f'{case.name}/w{k}'] = w
            term = chainer.functions.sum(y * w)
            total = term if total is None else total + term
    if total is None:
        return
    if link is not None:
        link.cleargrads()
    total.backward()
    for k, v in enumerate(vs):
        if isinstance(v, chainer.Variable) and v.grad is not None:
            out[f'{case.name}/gin{k}'] = v.grad
    if link is not None and case.params:
        for path, p in link.namedparams():
            if p.grad is not None:
                out[f'{case.name}/gparam{path}'] = p.grad


VISION = ('VGG16Layers', 'VGG19Layers', 'ResNet50Layers', 'ResNet101Layers',
          'ResNet152Layers', 'GoogLeNet')


def record_vision_structures():
    """{model: {parameter path: shape}} of the ImageNet models (their names and shapes
    must match Chainer's so its npz files load)."""
    import json
    out = {}
    for name in VISION:
        model = getattr(chainer.links, name)(pretrained_model=None)
        out[name] = {path: list(p.shape) for path, p in model.namedparams()}
        out[name + '/persistents'] = sorted(
            f'{prefix.rstrip("/")}/{n}' for prefix, sub in model.namedlinks()
            for n in sub._persistent)
        del model
    path = os.path.join(HERE, 'vision_models.json')
    with open(path, 'w') as f:
        json.dump(out, f, sort_keys=True, indent=0)
    print(f'{len(VISION)} model structures -> {path}')


def main():
    assert chainer.__version__ == '7.8.1', chainer.__version__
    out = {}
    names = set()
    for case in parity_cases.CASES:
        assert case.name not in names, f'duplicate case {case.name}'
        names.add(case.name)
        record(case, out)
    path = os.path.join(HERE, 'parity.npz')
    numpy.savez_compressed(path, **out)
    print(f'{len(parity_cases.CASES)} cases, {len(out)} arrays -> {path}')
    if '--vision' in sys.argv:
        record_vision_structures()


if __name__ == '__main__':
    main()

"""The side-by-side training benchmark: every model in every framework, one run.

    python -m benchmarks.run [--quick] [--models a,b] [--frameworks a,b]
                             [--peer-python chainer=/path/to/python] [--json PATH]
                             [--results PATH]

Each (model, framework) trains in its own worker process on synthetic MNIST-shaped
data from the same initial weights; the frameworks are interleaved in rounds and
their first losses compared (see `benchmarks.suite` and `benchmarks.summary`).
Prints a table per model and a headline, writes RESULTS.md (atomically) and, with
--json, every number including the raw rounds.  A framework that is not installed
is reported as skipped; one that crashes as failed, and the run goes on.
"""
import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time

if __package__ in (None, ''):     # python benchmarks/run.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import adapters, machine, page, probe, report, specs, summary  # noqa: E402
from benchmarks.suite import FULL, QUICK, ModelRun, Pythons  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--models', default=','.join(specs.DEFAULT_MODELS),
                   help='comma-separated, from: ' + ', '.join(specs.MODELS))
    p.add_argument('--frameworks', default=','.join(adapters.FRAMEWORKS),
                   help='comma-separated, from: ' + ', '.join(adapters.FRAMEWORKS))
    p.add_argument('--quick', action='store_true', help='fewer rounds, shorter repeats, '
                   'no warm-cache compile process, TorchInductor cache as found')
    p.add_argument('--peer-python', action='append', default=[], metavar='NAME=PATH',
                   help='run framework NAME under interpreter PATH (e.g. chainer=...)')
    p.add_argument('--json', metavar='PATH', help='write all results as JSON')
    p.add_argument('--results', default=os.path.join(HERE, 'RESULTS.md'), metavar='PATH',
                   help='the results page to regenerate (default: benchmarks/RESULTS.md)')
    p.add_argument('--keep-logs', action='store_true', help="keep the workers' logs")
    args = p.parse_args(argv)
    args.models = _names(p, args.models, specs.MODELS, 'model')
    args.frameworks = _names(p, args.frameworks, adapters.FRAMEWORKS, 'framework')
    args.peers = _peers(p, args.peer_python)
    return args


def _names(parser, text, known, what):
    names = [n.strip() for n in text.split(',') if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        parser.error(f'unknown {what}(s) {", ".join(unknown)}; known: {", ".join(known)}')
    return names


def _peers(parser, items):
    peers = {}
    for item in items:
        for part in item.split(','):
            name, sep, path = part.partition('=')
            if not sep or name not in adapters.FRAMEWORKS:
                parser.error(f'--peer-python wants NAME=PATH with NAME a framework, got '
                             f'{part!r}')
            peers[name] = path
    return peers


def run_models(args, settings, pythons, workdir):
    models = {}
    for name in args.models:
        spec = specs.MODELS[name]
        print(f'{name}: {specs.describe(spec)}', flush=True)
        t0 = time.perf_counter()
        run = ModelRun(name, args.frameworks, settings, pythons, workdir,
                       log=lambda text: print(text, flush=True))
        raw = run.run()
        summ = summary.summarize_model(raw)
        models[name] = {'describe': specs.describe(spec), 'note': spec['note'],
                        'summary': summ, 'loss_check': summary.loss_check(raw),
                        'comparisons': summary.comparisons(raw, summ),
                        'phase_seconds': run.seconds, 'raw': raw}
        phases = ', '.join(f'{k} {v:.0f}' for k, v in run.seconds.items())
        print(f'  done in {time.perf_counter() - t0:.0f} s ({phases})', flush=True)
    return models


def framework_infos(models):
    infos = {}
    for model in models.values():
        for fw, res in model['raw'].items():
            if fw not in infos and res.get('status') == 'ok':
                infos[fw] = res['setup']['info']
    return infos


def probe_totals(models):
    floor, worst = {}, {}
    for model in models.values():
        for res in model['raw'].values():
            for r in res.get('rounds', ()):
                for reading in (r['probe_before'], r['probe_after']):
                    for k, v in reading.items():
                        floor[k] = min(floor.get(k, v), v)
                        worst[k] = max(worst.get(k, v), v)
    return {'floor': floor, 'worst': worst}


def main(argv=None):
    args = parse_args(argv)
    settings = QUICK if args.quick else FULL
    threads, source = machine.blas_threads()
    pythons = Pythons(args.peers, threads)
    probe.warm_up()
    started, t0 = datetime.datetime.now().isoformat(timespec='seconds'), time.perf_counter()
    load_start = machine.load_average()
    checkout = machine.git_state(os.path.dirname(HERE))
    workdir = tempfile.mkdtemp(prefix='chainfuse-bench-')
    try:
        models = run_models(args, settings, pythons, workdir)
    finally:
        if not args.keep_logs:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f'worker logs kept in {workdir}')
    meta = {'command': ' '.join(['python -m benchmarks.run'] + (argv or sys.argv[1:])),
            'started': started, 'duration_s': time.perf_counter() - t0,
            'settings': vars(settings), 'machine': machine.machine(), 'threads': threads,
            'threads_source': source, 'frameworks': framework_infos(models),
            'pythons': {fw: pythons.get(fw) for fw in args.frameworks},
            'models_run': args.models, 'frameworks_run': args.frameworks,
            'load_average': {'start': load_start, 'end': machine.load_average()},
            'checkout': checkout}
    results = {'meta': meta, 'models': models, 'probes': probe_totals(models)}
    print(report.console(results))
    if args.json:
        page.write_atomic(args.json, json.dumps(results, indent=1, default=str))
    page.write_atomic(args.results, page.results_page(results))
    print(f'wrote {args.results}' + (f' and {args.json}' if args.json else ''))
    return results


if __name__ == '__main__':
    main()

"""From raw rounds to the numbers the tables show, with the noise flags.

- step time: the best round's median (of its repeats); it/s = 1 / step time;
- ratio to cf-eager: eager's median / this framework's median in the *same round*,
  then the median over rounds (so a slow burst hits both sides of a ratio);
- ratio to the bound (the step's GEMMs alone, `benchmarks.adapters.bound`): this
  framework's median / the bound's, per round, median over rounds (1.25x: a step
  takes 25% longer than its GEMMs alone);
- spread: within a round, slowest / fastest repeat (flagged above 1.5x); across
  rounds, slowest / fastest round median;
- probes: a reading more than 1.5x the run's best reading of that probe flags the
  measurement next to it (python: the machine is slow; blas: BLAS is contended);
  the flags of a framework are counted per kind over its rounds;
- startup: wall time of the first steps minus as many steady steps (compilation);
- losses: every framework's first-step losses against a reference framework (the
  bound computes no loss and is left out).
"""
import statistics

from benchmarks.adapters import BOUND

REFERENCE_ORDER = ('cf-eager', 'numpy', 'chainer', 'torch', 'jax', 'cf-step', 'cf-step-native',
                   'cf-compiled', 'torch-compile', 'cf-step-ftz')
SPREAD_FLAG = 1.5
PROBE_FLAG = 1.5
TIE = 1.15
LOSS_RTOL = 1e-3


def round_medians(res):
    return {r['round']: statistics.median(r['times']) for r in res.get('rounds', ())}


def probe_floor(model_results):
    """The best reading of each probe over all measurements of a run."""
    floor = {}
    for res in _ok(model_results):
        for r in res['rounds']:
            for reading in (r['probe_before'], r['probe_after']):
                for k, v in reading.items():
                    floor[k] = min(floor.get(k, v), v)
    return floor


def _ok(results):
    return [res for res in results.values() if res.get('status') == 'ok' and res['rounds']]


def ratio(res, base):
    """Median over shared rounds of base time / this time (>1: faster than base)."""
    mine, theirs = round_medians(res), round_medians(base)
    shared = [theirs[r] / mine[r] for r in mine if r in theirs]
    return statistics.median(shared) if shared else None


def is_tie(x):
    return x is not None and 1 / TIE < x < TIE


def flags(res, floor):
    """Noise flags of one framework, one per kind: '<kind> in k/n rounds (up to x)'."""
    kinds = {}
    for r in res['rounds']:
        seen = {'repeats spread': max(r['times']) / min(r['times'])}
        for name in ('python_ms', 'blas_ms'):
            worst = max(r['probe_before'][name], r['probe_after'][name])
            if floor.get(name):
                seen[f"{name.split('_')[0]} probe slow"] = worst / floor[name]
        for kind, x in seen.items():
            if x > (SPREAD_FLAG if kind == 'repeats spread' else PROBE_FLAG):
                kinds.setdefault(kind, []).append(x)
    n = len(res['rounds'])
    return [f'{kind} in {len(xs)}/{n} rounds (up to {max(xs):.1f}x)'
            for kind, xs in kinds.items()]


def startup(check, step_s):
    """Seconds the first steps took beyond as many steady-state steps."""
    if not check or step_s is None:
        return None
    return sum(check['seconds']) - len(check['seconds']) * step_s


def loss_check(model_results):
    """{'reference': fw, 'max_rel': {fw: x}, 'mismatch': [fw...]} over the check losses."""
    ok = {fw: res for fw, res in model_results.items()
          if res.get('status') == 'ok' and fw != BOUND}
    ref = next((fw for fw in REFERENCE_ORDER if fw in ok), None)
    if ref is None:
        return {'reference': None, 'max_rel': {}, 'mismatch': []}
    base = ok[ref]['check']['losses']
    out = {'reference': ref, 'max_rel': {}, 'first_over': {}, 'mismatch': [],
           'checksum_mismatch': []}
    for fw, res in ok.items():
        _compare(out, fw, res['check']['losses'], base)
        warm = res.get('warm', {}).get('check')
        if warm:
            _compare(out, fw + ' (warm)', warm['losses'], base)
        if res['setup']['checksum'] != ok[ref]['setup']['checksum']:
            out['checksum_mismatch'].append(fw)
    out['mismatch'] = [fw for fw in out['max_rel'] if out['first_over'][fw] is not None]
    return out


def _compare(out, fw, losses, base):
    """Records the largest relative difference and the first step (1-based) over rtol."""
    if len(losses) != len(base):
        out['max_rel'][fw], out['first_over'][fw] = float('inf'), 1
        return
    rel = [abs(a - b) / max(abs(b), 1e-12) for a, b in zip(losses, base)]
    out['max_rel'][fw] = max(rel)
    out['first_over'][fw] = next((i + 1 for i, x in enumerate(rel) if not x <= LOSS_RTOL),
                                 None)


def summarize_model(model_results):
    """{framework: summary dict} for one model (see the module doc)."""
    floor = probe_floor(model_results)
    eager = model_results.get('cf-eager')
    bound = model_results.get(BOUND)
    eager, bound = (r if r and r.get('status') == 'ok' and r['rounds'] else None
                    for r in (eager, bound))
    out = {}
    for fw, res in model_results.items():
        if res.get('status') != 'ok' or not res.get('rounds'):
            out[fw] = {'status': res.get('status', 'failed'),
                       'reason': res.get('reason', 'no measurement')}
            continue
        out[fw] = _summarize(fw, res, eager, floor)
        out[fw]['over_bound'] = ratio(bound, res) if bound else None
    return out


def _summarize(fw, res, eager, floor):
    medians = round_medians(res)
    step_s = min(medians.values())
    stats = res.get('stats', {})
    s = {'status': 'ok', 'step_s': step_s, 'it_per_s': 1 / step_s,
         'round_medians_s': [medians[r] for r in sorted(medians)],
         'rounds_spread': max(medians.values()) / step_s,
         'repeats_spread': max(max(r['times']) / min(r['times']) for r in res['rounds']),
         'ratio_vs_eager': ratio(res, eager) if eager else None,
         'rss_setup_mb': res['setup'].get('rss_setup_mb'),
         'rss_peak_mb': stats.get('rss_peak_mb'),
         'kernels': res.get('kernels'),
         'losses': res['check']['losses'],
         'startup_s': startup(res['check'], step_s),
         'iters_per_repeat': res.get('iters'),
         'flags': flags(res, floor),
         'errors': [res[k] for k in ('kernels_error', 'stats_error') if k in res]}
    s.update(_compile_numbers(res, step_s))
    return s


def _compile_numbers(res, step_s):
    """compile_cold_s / compile_warm_s as chainfuse reports them (stats['compile_time']),
    with the warm process's startup; peers have only the startup."""
    out = {}
    stats = (res.get('stats') or {}).get('compile') or {}
    if 'compile_time' in stats:
        out['compile_cold_s'] = stats['compile_time']
        out['fallbacks'] = stats.get('fallbacks', 0)
        out['breaks'] = stats.get('breaks', [])
    warm = res.get('warm') or {}
    if 'stats' in warm:
        wstats = warm['stats'].get('compile') or {}
        out['compile_warm_s'] = wstats.get('compile_time')
        out['startup_warm_s'] = startup(warm['check'], step_s)
    elif 'error' in warm:
        out['warm_error'] = warm['error']
    return out


def comparisons(model_results, model_summary):
    """The fastest chainfuse mode against every other framework: [{cf, peer, speedup,
    tie}], speedup = peer time / chainfuse time, per round, median over rounds.  The
    fastest of the modes with IEEE arithmetic: cf-step-ftz (denormals flushed, as jax
    does) is a different numerics mode, so it is one of the peers here."""
    cf = [fw for fw in ('cf-step-native', 'cf-step', 'cf-compiled', 'cf-eager')
          if model_summary.get(fw, {}).get('status') == 'ok']
    if not cf:
        return []
    best = max(cf, key=lambda fw: model_summary[fw]['it_per_s'])
    out = []
    for fw, summ in model_summary.items():
        if fw in (best, BOUND) or summ.get('status') != 'ok':
            continue
        x = ratio(model_results[best], model_results[fw])
        out.append({'cf': best, 'peer': fw, 'speedup': x, 'tie': is_tie(x)})
    return out

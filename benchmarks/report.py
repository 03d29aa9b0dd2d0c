"""Markdown tables of a run: per model, the console output and the README headline.

Every function here reads the results dict `benchmarks.run` builds (and writes as
JSON), so a saved JSON file can be rendered again: ``headline_table(json.load(f))``.
The results page is `benchmarks.page`.
"""
from benchmarks.adapters import BOUND
from benchmarks.summary import LOSS_RTOL, is_tie

# Loss mismatches investigated by hand: shown next to the flag when it appears.
KNOWN_MISMATCHES = {
    ('cnn_mnist', 'chainer'): (
        "Chainer 7's float32 conv weight gradients of this model are 2e-3 (relative to "
        'their largest element) off a float64 reference, chainfuse\'s and torch\'s '
        '~1e-6; the first Adam steps (loss 2.3 -> 6.5) amplify that. A precision '
        'difference, not a different model.'),
    ('cnn_mnist', 'torch-compile'): (
        'torch.compile (2.13, CPU inductor) returns zero gradients for both conv layers '
        'of this model (conv-relu-conv-relu-max_pool2d(2, stride 1)-reshape-linear; '
        'reproduced outside the suite), torch eager is right: its speed is not that of '
        'this model.'),
}
ORDER = ('cf-eager', 'cf-compiled', 'cf-step', 'cf-step-native', 'cf-step-ftz', 'numpy',
         'chainer', 'torch', 'torch-compile', 'jax', 'bound')


def _frameworks(results):
    seen = set()
    for m in results['models'].values():
        seen.update(m['summary'])
    return [fw for fw in ORDER if fw in seen]


def _ratio_text(x):
    if x is None:
        return '-'
    return f'{x:.2f}x' + (' (tie)' if is_tie(x) else '')


def _num(x, fmt='{:.2f}'):
    return '-' if x is None else fmt.format(x)


def _kernels_text(k):
    if not k:
        return '-'
    if 'gemms' in k:
        return f"{k['gemms']} GEMMs ({k['gflop'] * 1e3:.3g} MFLOP)"
    if k.get('plan_runs'):
        return f"{k['launches']} ({k['fused_kernels']} fused)"
    return f"{k['launches']} ops"


def _compile_text(s):
    if 'compile_cold_s' not in s:
        return '-'
    return f"{_num(s['compile_cold_s'])} / {_num(s.get('compile_warm_s'))}"


def _startup_text(s):
    """Cold (/ warm) startup; noise can make a tiny one negative: shown as 0.00."""
    text = _num(_at_least_0(s.get('startup_s')))
    if s.get('startup_warm_s') is not None:
        text += f" / {_num(_at_least_0(s['startup_warm_s']))}"
    return text


def _at_least_0(x):
    return None if x is None else max(0.0, x)


def _rate(x):
    """Iterations per second with three significant digits (1234, 123, 12.3, 1.23)."""
    return f'{x:.0f}' if x >= 100 else f'{x:.3g}'


def model_table(name, model):
    """One model's table: a row per framework."""
    head = ('| framework | it/s | step ms | x cf-eager | time / bound '
            '| spread rounds / repeats | RSS setup / peak MB | compile cold / warm s '
            '| startup s | launches / step | loss, step 4 | flags |')
    lines = [head, '|' + '---|' * 12]
    for fw in ORDER:
        s = model['summary'].get(fw)
        if s is None:
            continue
        if s['status'] != 'ok':
            lines.append(f"| {fw} | {s['status']}: {_short(s['reason'])} |" + ' |' * 10)
            continue
        lines.append(' | '.join([
            f'| {fw}', _rate(s['it_per_s']), f"{s['step_s'] * 1e3:.3f}",
            '1 (base)' if fw == 'cf-eager' else _ratio_text(s['ratio_vs_eager']),
            _bound_text(fw, s),
            f"{s['rounds_spread']:.2f} / {s['repeats_spread']:.2f}",
            f"{_num(s['rss_setup_mb'], '{:.0f}')} / {_num(s['rss_peak_mb'], '{:.0f}')}",
            _compile_text(s), _startup_text(s), _kernels_text(s['kernels']),
            _loss_text(s['losses']), _flag_count(s) + ' |']))
    return '\n'.join(lines)


def _bound_text(fw, s):
    if fw == BOUND:
        return '1 (bound)'
    x = s.get('over_bound')
    return '-' if x is None else f'{x:.2f}x'


def _loss_text(losses):
    return '-' if not losses or losses[-1] is None else f'{losses[-1]:.6f}'


def _flag_count(s):
    n = len(s['flags']) + bool(s.get('fallbacks'))
    return str(n) if n else '-'


def _short(text, n=120):
    text = ' '.join(str(text).split()).replace('|', '/')
    return text if len(text) <= n else text[:n - 3] + '...'


def headline_table(results):
    """The compact table for the README: it/s per model and framework, and in
    parentheses the same-round ratio to cf-eager; a dagger marks a framework whose
    first losses disagree with the reference (see the model's section)."""
    fws = [fw for fw in _frameworks(results) if fw != BOUND]    # see bound_table
    lines = ['| model | ' + ' | '.join(fws) + ' |', '|---|' + '---|' * len(fws)]
    marked = False
    for name, model in results['models'].items():
        cells = []
        for fw in fws:
            cells.append(_headline_cell(fw, model['summary'].get(fw, {'status': '-'})))
            if fw in model['loss_check']['mismatch']:
                cells[-1] += ' \u2020'
                marked = True
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    if marked:
        lines += ['', '\u2020 its first losses disagree with the reference framework\'s '
                      f'(beyond rtol {LOSS_RTOL:g}): see the model\'s section.']
    return '\n'.join(lines)


def bound_table(results):
    """Per model and framework, the step time over the bound's (the step's GEMMs alone,
    measured in the same rounds): 1.25x means 25% longer than the GEMMs alone."""
    fws = [fw for fw in _frameworks(results) if fw != BOUND]
    lines = ['| model | bound it/s | ' + ' | '.join(fws) + ' |',
             '|---|---|' + '---|' * len(fws)]
    for name, model in results['models'].items():
        summ = model['summary']
        bound = summ.get(BOUND, {'status': '-'})
        cells = [_rate(bound['it_per_s']) if bound['status'] == 'ok' else bound['status']]
        for fw in fws:
            s = summ.get(fw, {'status': '-'})
            cells.append(_bound_text(fw, s) if s['status'] == 'ok' else s['status'])
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def _headline_cell(fw, s):
    if s['status'] != 'ok':
        return s['status']
    if fw == 'cf-eager' or s['ratio_vs_eager'] is None:
        return _rate(s['it_per_s'])
    return f"{_rate(s['it_per_s'])} ({s['ratio_vs_eager']:.2f}x)"


def comparison_lines(model):
    out = []
    for c in model.get('comparisons', []):
        x = c['speedup']
        if x is None:
            continue
        verdict = 'tie' if c['tie'] else ('faster' if x > 1 else 'slower')
        if c['peer'] in model['loss_check']['mismatch']:
            verdict += f", but {c['peer']}'s losses disagree"
        out.append(f"{c['cf']} vs {c['peer']}: {x:.2f}x ({verdict})")
    return out


def loss_lines(model, name=None):
    lc = model['loss_check']
    if lc['reference'] is None:
        return ['no framework ran: nothing to compare']
    parts = [f'{fw} {x:.1e}' for fw, x in lc['max_rel'].items() if fw != lc['reference']]
    lines = [f"max relative difference of the {len(model['summary'][lc['reference']]['losses'])}"
             f" first losses from {lc['reference']}: " + (', '.join(parts) or '-')]
    for fw in lc['mismatch']:
        lines.append(f'**LOSS MISMATCH: {fw} differs from {lc["reference"]} by '
                     f"{lc['max_rel'][fw]:.1e}, more than rtol {LOSS_RTOL:g}, from step "
                     f"{lc['first_over'][fw]} on: it may not compute the same model**")
        if (name, fw) in KNOWN_MISMATCHES:
            lines[-1] += ' Known: ' + KNOWN_MISMATCHES[name, fw]
    for fw in lc.get('checksum_mismatch', []):
        lines.append(f'**INITIAL WEIGHTS DIFFER: {fw}**')
    return lines


def flag_lines(model):
    """One line per framework: how many rounds were noisy, and how badly."""
    out = []
    for fw, s in model['summary'].items():
        if s.get('flags'):
            out.append(f'{fw}: ' + '; '.join(s['flags']))
        if s.get('fallbacks'):
            out.append(f"{fw}: {s['fallbacks']} eager fallback(s): "
                       + '; '.join(_short(b) for b in s.get('breaks', [])))
        for error in s.get('errors', []):
            out.append(f'{fw}: {_short(error)}')
        if s.get('warm_error'):
            out.append(f"{fw}: warm-cache process failed: {_short(s['warm_error'])}")
    return out


def model_section(name, model, level='###'):
    lines = [f'{level} {name}', '', model['describe'], '']
    if model.get('note'):
        lines += [model['note'], '']
    lines += [model_table(name, model), '']
    for title, items in (('Same-round comparisons', comparison_lines(model)),
                         ('Losses', loss_lines(model, name)), ('Flags', flag_lines(model))):
        if items:
            lines += [f'{title}:', ''] + [f'- {x}' for x in items] + ['']
    return '\n'.join(lines)


def console(results):
    """What the command prints: every model's section, then the headline."""
    parts = [model_section(n, m) for n, m in results['models'].items()]
    return '\n'.join(parts + ['## Headline', '', headline_table(results), '',
                               '## Time over the bound', '', bound_table(results), ''])

"""Rows for F.loss (chainfuse/functions/loss/)."""
import numpy

import chainfuse.functions as F
from chainfuse.testing import Case, const, ints, positive, uniform

LABELS = const(numpy.array([0, 2, -1, 1, 2], numpy.int32))  # one ignored entry
CLASS_WEIGHT = numpy.array([0.5, 2.0, 1.5])


def _log_softmax(x):
    z = x - x.max(axis=1, keepdims=True)
    return z - numpy.log(numpy.exp(z).sum(axis=1, keepdims=True))


def _sce(x, t, normalize=True, cache_score=True, class_weight=None, ignore_label=-1,
         reduce='mean', enable_double_backprop=False):
    logp = numpy.moveaxis(_log_softmax(x), 1, -1)  # (N, ..., C)
    valid = t != ignore_label
    safe = numpy.where(valid, t, 0)
    picked = numpy.take_along_axis(logp, safe[..., None], axis=-1)[..., 0]
    weight = valid * (class_weight[safe] if class_weight is not None else 1.0)
    losses = -picked * weight
    if reduce == 'no':
        return losses
    count = max(valid.sum(), 1) if normalize else max(len(x), 1)
    return losses.sum() / count


def _sce_soft(x, t, reduce='mean', soft_target_loss='cross-entropy'):
    logp = _log_softmax(x)
    if soft_target_loss == 'kl-divergence':
        losses = (t * (numpy.log(t + 1e-7) - logp)).sum(axis=1)
    else:
        losses = -(t * logp).sum(axis=1)
    return losses if reduce == 'no' else losses.mean()


def _sigmoid_ce(x, t, normalize=True, reduce='mean'):
    valid = t != -1
    losses = (numpy.logaddexp(0.0, x) - t * x) * valid  # -t log p - (1 - t) log(1 - p)
    if reduce == 'no':
        return losses
    count = max(valid.sum(), 1) if normalize else max(len(x), 1)
    return losses.sum() / count


def _hinge(x, t, norm='L1', reduce='mean'):
    delta = numpy.where(numpy.arange(x.shape[1])[None, :] == t[:, None], 1.0, -1.0)
    losses = numpy.maximum(0.0, 1.0 - delta * x) ** (1 if norm == 'L1' else 2)
    return losses if reduce == 'no' else losses.sum() / len(x)


def _huber(x, t, delta, reduce='sum_along_second_axis'):
    d = numpy.abs(x - t)
    losses = numpy.where(d <= delta, 0.5 * d ** 2, delta * (d - 0.5 * delta))
    return losses if reduce == 'no' else losses.sum(axis=1)


def _reduced(losses, reduce):
    return {'sum': losses.sum(), 'mean': losses.mean(), 'no': losses}[reduce]


def _kl(mean, ln_var, reduce='sum'):
    return _reduced(0.5 * (mean ** 2 + numpy.exp(ln_var) - ln_var - 1), reduce)


def _bernoulli_nll(x, y, reduce='sum'):
    p = 1.0 / (1.0 + numpy.exp(-y))
    return _reduced(-(x * numpy.log(p) + (1 - x) * numpy.log(1 - p)), reduce)


def _gaussian_nll(x, mean, ln_var, reduce='sum'):
    var = numpy.exp(ln_var)
    return _reduced(0.5 * numpy.log(2 * numpy.pi * var) + (x - mean) ** 2 / (2 * var), reduce)


CASES = [
    # ---- softmax_cross_entropy ----
    Case(F.softmax_cross_entropy, [uniform(4, 3), ints(4, high=3)], ref=_sce),
    Case(F.softmax_cross_entropy, [uniform(5, 3), LABELS], ref=_sce, name='sce_ignore'),
    Case(F.softmax_cross_entropy, [uniform(5, 3), LABELS], attrs=dict(normalize=False),
         ref=_sce, name='sce_not_normalized'),
    Case(F.softmax_cross_entropy, [uniform(5, 3), LABELS], attrs=dict(reduce='no'),
         ref=_sce, name='sce_no_reduce'),
    Case(F.softmax_cross_entropy, [uniform(5, 3), LABELS],
         attrs=dict(class_weight=CLASS_WEIGHT), ref=_sce, name='sce_class_weight'),
    Case(F.softmax_cross_entropy, [uniform(5, 3), LABELS],
         attrs=dict(class_weight=CLASS_WEIGHT, reduce='no'), ref=_sce,
         name='sce_class_weight_no_reduce'),
    Case(F.softmax_cross_entropy, [uniform(2, 3, 2, 2), ints(2, 2, 2, low=-1, high=3)],
         ref=_sce, name='sce_4d'),
    Case(F.softmax_cross_entropy, [uniform(4, 3), const(numpy.array([0, 1, 1, 2], 'i'))],
         attrs=dict(ignore_label=1), ref=_sce, name='sce_ignore_label_1'),
    Case(F.softmax_cross_entropy, [uniform(3, 4), const(numpy.array([-1, -1, -1], 'i'))],
         ref=_sce, name='sce_all_ignored'),
    Case(F.softmax_cross_entropy, [uniform(4, 3), ints(4, high=3, dtype=numpy.int64)],
         attrs=dict(enable_double_backprop=True, cache_score=False), ref=_sce,
         name='sce_int64_labels'),
    Case(F.softmax_cross_entropy, [uniform(4, 3), positive(4, 3, low=0.1, high=1.0)],
         ref=_sce_soft, name='sce_soft_target'),
    Case(F.softmax_cross_entropy, [uniform(2, 3, 2), positive(2, 3, 2, low=0.1, high=1.0)],
         attrs=dict(reduce='no', soft_target_loss='kl-divergence'), ref=_sce_soft,
         name='sce_soft_target_kl'),
    # ---- squared and absolute errors ----
    Case(F.mean_squared_error, [uniform(3, 4), uniform(3, 4)],
         ref=lambda a, b: ((a - b) ** 2).mean()),
    Case(F.squared_error, [uniform(3, 4), uniform(3, 4)], ref=lambda a, b: (a - b) ** 2),
    Case(F.mean_absolute_error, [uniform(3, 4), uniform(3, 4)],
         ref=lambda a, b: numpy.abs(a - b).mean()),
    Case(F.absolute_error, [uniform(2, 3, 2), uniform(2, 3, 2)],
         ref=lambda a, b: numpy.abs(a - b)),
    # ---- sigmoid_cross_entropy ----
    Case(F.sigmoid_cross_entropy, [uniform(3, 4, low=-3, high=3), ints(3, 4, low=-1, high=2)],
         ref=_sigmoid_ce),
    Case(F.sigmoid_cross_entropy, [uniform(3, 4, low=-3, high=3), ints(3, 4, low=-1, high=2)],
         attrs=dict(normalize=False), ref=_sigmoid_ce, name='sigmoid_ce_not_normalized'),
    Case(F.sigmoid_cross_entropy, [uniform(3, 4, low=-3, high=3), ints(3, 4, low=-1, high=2)],
         attrs=dict(reduce='no'), ref=_sigmoid_ce, name='sigmoid_ce_no_reduce'),
    Case(F.sigmoid_cross_entropy, [const([[-30.0, 30.0], [25.0, -25.0]]),
                                   const(numpy.array([[0, 1], [0, 1]], 'i'))],
         dtypes=(numpy.float32, numpy.float64), ref=_sigmoid_ce, name='sigmoid_ce_large'),
    Case(F.sigmoid_cross_entropy, [const([[0.0, 0.0, 0.7]]),
                                   const(numpy.array([[0, 1, 1]], 'i'))],
         ref=_sigmoid_ce, name='sigmoid_ce_zero_logit'),
    # ---- hinge ----
    Case(F.hinge, [uniform(4, 3, low=-2, high=2), ints(4, high=3)], ref=_hinge),
    Case(F.hinge, [uniform(4, 3, low=-2, high=2), ints(4, high=3)], attrs=dict(norm='L2'),
         ref=_hinge, name='hinge_l2'),
    Case(F.hinge, [uniform(4, 3, low=-2, high=2), ints(4, high=3)], attrs=dict(reduce='no'),
         ref=_hinge, name='hinge_no_reduce'),
    # ---- huber_loss ----
    Case(F.huber_loss, [uniform(3, 4, low=-2, high=2), uniform(3, 4, low=-2, high=2)],
         attrs=dict(delta=1.0), ref=_huber),
    Case(F.huber_loss, [uniform(3, 4, low=-2, high=2), uniform(3, 4, low=-2, high=2)],
         attrs=dict(delta=0.5, reduce='no'), ref=_huber, name='huber_no_reduce'),
    # ---- VAE losses ----
    Case(F.gaussian_kl_divergence, [uniform(3, 4), uniform(3, 4)], ref=_kl),
    Case(F.gaussian_kl_divergence, [uniform(3, 4), uniform(3, 4)], attrs=dict(reduce='mean'),
         ref=_kl, name='gaussian_kl_mean'),
    Case(F.gaussian_kl_divergence, [uniform(3, 4), uniform(3, 4)], attrs=dict(reduce='no'),
         ref=_kl, name='gaussian_kl_no_reduce'),
    Case(F.bernoulli_nll, [uniform(3, 4, low=0, high=1), uniform(3, 4, low=-3, high=3)],
         ref=_bernoulli_nll),
    Case(F.bernoulli_nll, [uniform(3, 4, low=0, high=1), uniform(3, 4, low=-3, high=3)],
         attrs=dict(reduce='no'), ref=_bernoulli_nll, name='bernoulli_nll_no_reduce'),
    Case(F.gaussian_nll, [uniform(3, 4), uniform(3, 4), uniform(3, 4)], ref=_gaussian_nll),
    Case(F.gaussian_nll, [uniform(3, 4), uniform(3, 4), positive(3, 4)],
         attrs=dict(reduce='mean'), ref=_gaussian_nll, name='gaussian_nll_mean'),
]


def _contrastive(x0, x1, y, margin=1, reduce='mean'):
    d = numpy.sqrt(((x0 - x1) ** 2).sum(axis=1))
    losses = 0.5 * (y * d ** 2 + (1 - y) * numpy.maximum(margin - d, 0) ** 2)
    return losses if reduce == 'no' else losses.sum() / len(x0)


def _triplet(a, p, n, margin=0.2, reduce='mean'):
    losses = numpy.maximum(((a - p) ** 2 - (a - n) ** 2).sum(axis=1) + margin, 0)
    return losses if reduce == 'no' else losses.mean()


def _cov(y, z):
    return (y - y.mean(axis=0)).T @ (z - z.mean(axis=0)) / len(y)


def _half_sq(c, reduce):
    return c if reduce == 'no' else 0.5 * (c ** 2).sum()


def _neg_sampling(x, t, W, samples, sample_size, reduce='sum'):
    s = samples.copy()
    s[:, 0] = numpy.where(t == -1, 0, t)
    wx = numpy.einsum('nd,nkd->nk', x, W[s])
    wx[:, 0] *= -1
    losses = numpy.logaddexp(wx, 0).sum(axis=1) * (t != -1)
    return losses if reduce == 'no' else losses.sum()


def _black_out(x, t, W, samples, reduce='mean'):
    neg = numpy.einsum('nd,nkd->nk', x, W[samples])
    pos = (x * W[t]).sum(axis=1)
    both = numpy.concatenate([pos[:, None], neg], axis=1)
    logz = numpy.log(numpy.exp(both).sum(axis=1))
    losses = -(pos - logz + numpy.log(1 - numpy.exp(neg - logz[:, None])).sum(axis=1))
    return losses if reduce == 'no' else losses.mean()


NS_SAMPLES = numpy.array([[0, 4, 2, 1], [0, 1, 1, 3], [0, 2, 0, 5]], numpy.int32)
NS_T = numpy.array([3, -1, 1], numpy.int32)
BO_T = numpy.array([1, 0, 4], numpy.int32)
BO_SAMPLES = numpy.array([[2, 3], [4, 4], [0, 1]], numpy.int32)
CRF_YS = [numpy.array([0, 2, 1], numpy.int32), numpy.array([1, 1], numpy.int32),
          numpy.array([2], numpy.int32)]
CTC_T = numpy.array([[1, 2], [2, 2]], numpy.int32)


def _crf1d(cost, x0, x1, x2, reduce='mean'):
    xs, losses = [x0, x1, x2], []
    for b in range(len(x0)):
        seq = [x[b] for x in xs if len(x) > b]
        ys = [y[b] for y in CRF_YS if len(y) > b]
        alpha = seq[0]
        for x in seq[1:]:
            alpha = numpy.log(numpy.exp(alpha[:, None] + cost).sum(axis=0)) + x
        score = seq[0][ys[0]] + sum(seq[k][ys[k]] + cost[ys[k - 1], ys[k]]
                                    for k in range(1, len(seq)))
        losses.append(numpy.log(numpy.exp(alpha).sum()) - score)
    losses = numpy.array(losses)
    return losses if reduce == 'no' else losses.mean()


def _ctc(x0, x1, x2, x3, blank=0):
    """-log p(t | x) by summing over every alignment (brute force over V^T paths)."""
    import itertools
    xs = numpy.stack([x0, x1, x2, x3])
    logp = xs - numpy.log(numpy.exp(xs).sum(axis=2, keepdims=True))
    losses = []
    for b in range(xs.shape[1]):
        total = 0.0
        for align in itertools.product(range(xs.shape[2]), repeat=len(xs)):
            collapsed = [a for k, a in enumerate(align) if k == 0 or a != align[k - 1]]
            if [a for a in collapsed if a != blank] == list(CTC_T[b]):
                total += numpy.exp(sum(logp[k, b, a] for k, a in enumerate(align)))
        losses.append(-numpy.log(total))
    return numpy.mean(losses)


CASES += [
    Case(F.contrastive, [uniform(4, 3), uniform(4, 3), ints(4, high=2)], ref=_contrastive),
    Case(F.contrastive, [uniform(4, 3), uniform(4, 3), ints(4, high=2)],
         attrs=dict(margin=2.0, reduce='no'), ref=_contrastive, name='contrastive_no_reduce'),
    Case(F.triplet, [uniform(4, 3), uniform(4, 3), uniform(4, 3)], ref=_triplet),
    Case(F.triplet, [uniform(4, 3), uniform(4, 3), uniform(4, 3)],
         attrs=dict(margin=1.0, reduce='no'), ref=_triplet, name='triplet_no_reduce'),
    Case(F.cross_covariance, [uniform(5, 3), uniform(5, 2)],
         ref=lambda y, z: _half_sq(_cov(y, z), 'sum')),
    Case(F.cross_covariance, [uniform(5, 3), uniform(5, 2)], attrs=dict(reduce='no'),
         ref=lambda y, z, reduce: _cov(y, z), name='cross_covariance_no_reduce'),
    Case(F.decov, [uniform(5, 4)],
         ref=lambda h: _half_sq(_cov(h, h) * (1 - numpy.eye(4)), 'sum')),
    Case(F.decov, [uniform(5, 4)], attrs=dict(reduce='no'),
         ref=lambda h, reduce: _cov(h, h) * (1 - numpy.eye(4)), name='decov_no_reduce'),
    Case(lambda x, t, W, s: F.negative_sampling(x, t, W, lambda shape: s, 3),
         [uniform(3, 4), const(NS_T), uniform(6, 4), const(NS_SAMPLES)],
         ref=lambda x, t, W, s: _neg_sampling(x, t, W, s, 3), name='negative_sampling',
         covers='negative_sampling'),
    Case(F.black_out, [uniform(3, 4), const(BO_T), uniform(5, 4), const(BO_SAMPLES)],
         ref=_black_out),
    Case(lambda cost, x0, x1, x2, y0, y1, y2: F.crf1d(cost, [x0, x1, x2], [y0, y1, y2]),
         [uniform(3, 3), uniform(3, 3), uniform(2, 3), uniform(1, 3)] +
         [const(y) for y in CRF_YS], ref=lambda *a: _crf1d(*a[:4]),
         name='crf1d', covers='crf1d'),
    Case(lambda cost, x0, x1, x2: F.argmax_crf1d(cost, [x0, x1, x2])[0],
         [uniform(3, 3), uniform(3, 3), uniform(2, 3), uniform(2, 3)],
         ref=lambda cost, x0, x1, x2: numpy.array(
             [max(x0[b][i] + cost[i, j] + x1[b][j] + cost[j, k] + x2[b][k]
                  for i in range(3) for j in range(3) for k in range(3)) if b < 2 else
              max(x0[b]) for b in range(3)]), grad=False, name='argmax_crf1d',
         covers='argmax_crf1d'),
    Case(lambda x0, x1, x2, x3, t: F.connectionist_temporal_classification(
        [x0, x1, x2, x3], t, 0), [uniform(2, 3)] * 4 + [const(CTC_T)],
         ref=lambda x0, x1, x2, x3, t: _ctc(x0, x1, x2, x3),
         name='connectionist_temporal_classification',
         covers='connectionist_temporal_classification'),
]

"""Direct-loop float64 references for the N-d convolution and pooling rows: every output
element is computed from its window, nothing shared with the implementation."""
import itertools

import numpy


def _tup(v, nd):
    return (v,) * nd if isinstance(v, int) else tuple(v)


def out_len(n, k, s, p, cover_all=False, d=1):
    dk = (k - 1) * d + 1
    return (n + 2 * p - dk + (s - 1 if cover_all else 0)) // s + 1


def conv_nd(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1):
    nd = x.ndim - 2
    s, p, d = _tup(stride, nd), _tup(pad, nd), _tup(dilate, nd)
    ks = W.shape[2:]
    outs = [out_len(x.shape[2 + i], ks[i], s[i], p[i], cover_all, d[i]) for i in range(nd)]
    big = [max(x.shape[2 + i] + 2 * p[i], (outs[i] - 1) * s[i] + (ks[i] - 1) * d[i] + 1)
           for i in range(nd)]
    xp = numpy.zeros(x.shape[:2] + tuple(big))
    xp[(slice(None), slice(None)) + tuple(slice(p[i], p[i] + x.shape[2 + i])
                                          for i in range(nd))] = x
    o, cg = W.shape[0], W.shape[1]
    og = o // groups
    y = numpy.zeros((x.shape[0], o) + tuple(outs))
    for idx in itertools.product(*[range(n) for n in outs]):
        for k in itertools.product(*[range(n) for n in ks]):
            pos = tuple(idx[i] * s[i] + k[i] * d[i] for i in range(nd))
            for g in range(groups):
                xs = xp[(slice(None), slice(g * cg, (g + 1) * cg)) + pos]
                ws = W[(slice(g * og, (g + 1) * og), slice(None)) + k]
                y[(slice(None), slice(g * og, (g + 1) * og)) + idx] += xs @ ws.T
    if b is not None:
        y += b.reshape((1, -1) + (1,) * nd)
    return y


def deconv_nd(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1):
    nd = x.ndim - 2
    s, p, d = _tup(stride, nd), _tup(pad, nd), _tup(dilate, nd)
    ks = W.shape[2:]
    if outsize is None:
        outsize = [s[i] * (x.shape[2 + i] - 1) + (ks[i] - 1) * d[i] + 1 - 2 * p[i]
                   for i in range(nd)]
    outsize = _tup(outsize, nd)
    full = [max(s[i] * (x.shape[2 + i] - 1) + (ks[i] - 1) * d[i] + 1, p[i] + outsize[i])
            for i in range(nd)]
    cg, og = W.shape[0] // groups, W.shape[1]
    y = numpy.zeros((x.shape[0], og * groups) + tuple(full))
    for idx in itertools.product(*[range(n) for n in x.shape[2:]]):
        for k in itertools.product(*[range(n) for n in ks]):
            pos = tuple(idx[i] * s[i] + k[i] * d[i] for i in range(nd))
            for g in range(groups):
                xs = x[(slice(None), slice(g * cg, (g + 1) * cg)) + idx]
                ws = W[(slice(g * cg, (g + 1) * cg), slice(None)) + k]
                y[(slice(None), slice(g * og, (g + 1) * og)) + pos] += xs @ ws
    y = y[(slice(None), slice(None)) + tuple(slice(p[i], p[i] + outsize[i])
                                             for i in range(nd))]
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * nd)
    return y


def pool_nd(x, ksize, stride=None, pad=0, cover_all=True, mode='max', pad_value=0):
    nd = x.ndim - 2
    k = _tup(ksize, nd)
    s = k if stride is None else _tup(stride, nd)
    p = _tup(pad, nd)
    outs = [out_len(x.shape[2 + i], k[i], s[i], p[i], cover_all and mode == 'max')
            for i in range(nd)]
    y = numpy.zeros(x.shape[:2] + tuple(outs))
    for idx in itertools.product(*[range(n) for n in outs]):
        win = []
        for i in range(nd):
            lo = idx[i] * s[i] - p[i]
            win.append([j for j in range(lo, lo + k[i])])
        inside = [[j for j in w if 0 <= j < x.shape[2 + i]] for i, w in enumerate(win)]
        block = x[(slice(None), slice(None)) + numpy.ix_(*inside)]
        flat = block.reshape(block.shape[:2] + (-1,))
        if mode == 'max':
            y[(slice(None), slice(None)) + idx] = flat.max(axis=-1)
        else:
            count = flat.shape[-1] if pad_value is None else int(numpy.prod(k))
            y[(slice(None), slice(None)) + idx] = flat.sum(axis=-1) / count
    return y


def unpool_nd(x, ksize, stride=None, pad=0, outsize=None, cover_all=True):
    nd = x.ndim - 2
    k = _tup(ksize, nd)
    s = k if stride is None else _tup(stride, nd)
    p = _tup(pad, nd)
    c = x.shape[1]
    W = numpy.zeros((c, 1) + k)
    W[...] = 1.0
    if outsize is None:
        outsize = [s[i] * (x.shape[2 + i] - 1) + k[i] - 2 * p[i] -
                   (s[i] - 1 if cover_all else 0) for i in range(nd)]
    return deconv_nd(x, W, stride=s, pad=p, outsize=outsize, groups=c)

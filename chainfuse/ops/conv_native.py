"""Numba loops for max pooling and its gradient (numpy arrays on CPU).

This file is not imported: its text is a kernel-cache entry
(`chainfuse.compiler.codegen.kernel_cache.load_kernel`), loaded by `chainfuse.ops.conv`
for the exact signatures it calls (see ``conv._native``), so a new process loads the
machine code checked from the disk cache instead of compiling it.  Each loop makes one
pass where the numpy impls in `chainfuse.ops.conv` make one pass per kernel offset over a
transposed, padded copy, and each computes what that numpy impl computes, bit for bit:

- `max_pool` is comparisons (no arithmetic to reorder);
- `max_pool_grad` adds into each input pixel in the order the numpy impl does
  (increasing kernel offset ``i * kw + j``, starting from zero): the windows' order in
  reverse (the window below/right of another reaches a pixel with a smaller offset), so
  its loops run backwards.

(Numba im2col/col2im loops were measured 1.3-2x slower than numpy's strided copies for
these sizes and are not here.)

Images are (N, C, H, W) with any strides (a transposed view is read in place); outputs
are C-contiguous and written whole (zeroed here where they accumulate).  Padding reads
as -inf (`max_pool`); scatters that land in padding are dropped.
One difference from the numpy impl of `max_pool_grad`: a non-finite gy goes to its
window's argmax only (the numpy impl's mask products spread NaN over the window).
"""
import numba
import numpy


@numba.njit(inline='always')    # an inner helper, like `_span`
def _take_max(r, m, arg, k, lo, hi, sx, off):
    """One offset `k` of a max-pooling row: for ox in [lo, hi), v = r[ox * sx + off]
    replaces the max m[ox] when greater (k then becomes arg[ox]) or NaN.  Selects and a
    max, not branches: on real data ``v > max`` is a coin toss, and a mispredicted branch
    per element made this loop 4x slower than numpy's passes."""
    for ox in range(lo, hi):
        v = r[ox * sx + off]
        mo = m[ox]
        arg[ox] = max(arg[ox], numpy.int32(v > mo) * k)
        m[ox] = v if (v > mo) | (v != v) else mo


@numba.njit(nogil=True)     # an inner helper: compiled in memory, into its callers
def _span(n_out, size, s, p, off):
    """The outputs o in [lo, hi) whose input position o * s - p + off is in [0, size)."""
    lo = 0
    while lo < n_out and lo * s - p + off < 0:
        lo += 1
    hi = n_out
    while hi > lo and (hi - 1) * s - p + off >= size:
        hi -= 1
    return lo, hi


@numba.njit(cache=True, nogil=True)
def max_pool(x, y, index, kh, kw, sy, sx, ph, pw):
    """y[n, c, oy, ox] = the max of the window (padding -inf; NaN propagates), index = its
    window-local offset i * kw + j, the first offset of a strict maximum.

    Output row by output row, offsets in increasing order, as the numpy impl runs
    (`_take_max`).  Padding (-inf) never beats the max nor is NaN, so it is skipped."""
    n, c, h, w = x.shape
    oh, ow = y.shape[2], y.shape[3]
    ninf = y.dtype.type(-numpy.inf)
    for ni in range(n):
        for ci in range(c):
            src = x[ni, ci]
            for oy in range(oh):
                m = y[ni, ci, oy]
                arg = index[ni, ci, oy]
                m[:] = ninf
                arg[:] = 0
                for i in range(kh):
                    iy = oy * sy - ph + i
                    if iy < 0 or iy >= h:
                        continue
                    r = src[iy]
                    for j in range(kw):
                        xlo, xhi = _span(ow, w, sx, pw, j)
                        _take_max(r, m, arg, numpy.int32(i * kw + j), xlo, xhi, sx, j - pw)


@numba.njit(cache=True, nogil=True)
def max_pool_inside(x, y, index, kh, kw, sy, sx):
    """`max_pool` where every window lies inside x (no padding, no partial window): the
    first offset initializes the row, so the loop needs no bounds and one pass less
    (1.5-2x faster than `max_pool`)."""
    n, c = x.shape[:2]
    oh, ow = y.shape[2], y.shape[3]
    for ni in range(n):
        for ci in range(c):
            src = x[ni, ci]
            for oy in range(oh):
                m = y[ni, ci, oy]
                arg = index[ni, ci, oy]
                r = src[oy * sy]
                for ox in range(ow):
                    m[ox] = r[ox * sx]
                    arg[ox] = 0
                for i in range(kh):
                    r = src[oy * sy + i]
                    for j in range(1 if i == 0 else 0, kw):
                        _take_max(r, m, arg, numpy.int32(i * kw + j), 0, ow, sx, j)


@numba.njit(cache=True, nogil=True)
def max_pool_grad(gy, index, gx, kh, kw, sy, sx, ph, pw):
    """gx (N, C, H, W) = gy added at each window's argmax `index` (dropped in padding or
    out of range), per pixel in increasing offset from zero: the windows in reverse."""
    n, c, h, w = gx.shape
    oh, ow = gy.shape[2], gy.shape[3]
    for ni in range(n):
        for ci in range(c):
            dst = gx[ni, ci]
            dst[:, :] = 0
            g = gy[ni, ci]
            idx = index[ni, ci]
            for oy in range(oh - 1, -1, -1):
                for ox in range(ow - 1, -1, -1):
                    k = idx[oy, ox]
                    if k < 0 or k >= kh * kw:
                        continue
                    iy = oy * sy - ph + k // kw
                    ix = ox * sx - pw + k % kw
                    if 0 <= iy < h and 0 <= ix < w:
                        dst[iy, ix] += g[oy, ox]


@numba.njit(cache=True, nogil=True)
def max_pool_grad_inside(gy, index, gx, kh, kw, sy, sx):
    """`max_pool_grad` where every window lies inside gx (no padding, no partial window):
    each offset is a fixed step in the flat image (a table, not a division per element),
    and nothing is bounds-checked but the offset itself (1.5-2x faster)."""
    n, c, h, w = gx.shape
    oh, ow = gy.shape[2], gy.shape[3]
    kk = kh * kw
    step = numpy.empty(kk, numpy.int64)
    for i in range(kh):
        for j in range(kw):
            step[i * kw + j] = i * w + j
    for ni in range(n):
        for ci in range(c):
            dst = gx[ni, ci].reshape(h * w)
            dst[:] = 0
            g = gy[ni, ci]
            idx = index[ni, ci]
            for oy in range(oh - 1, -1, -1):
                base = oy * sy * w
                for ox in range(ow - 1, -1, -1):
                    k = idx[oy, ox]
                    if 0 <= k < kk:
                        dst[base + ox * sx + step[k]] += g[oy, ox]

"""Rows for the convolution and pooling primitives (chainfuse/ops/conv.py).

References are the direct loops of tests/ops/_conv_ref.py.  Max-pool rows use values
drawn away from ties (a random permutation per window would be overkill: the harness
redraws inputs that land near a kink).
"""
from chainfuse.testing import Case, ints, uniform
from tests.ops import _conv_ref as R

X = (2, 3, 5, 5)


def _conv(x, W, **attrs):
    return R.conv2d(x, W, **attrs)


CONV_ROWS = [
    ('conv2d', dict()),
    ('conv2d_stride_pad', dict(stride=(2, 2), pad=(1, 1))),
    ('conv2d_rect', dict(stride=(1, 2), pad=(2, 0))),
    ('conv2d_dilate', dict(dilate=(2, 2), pad=(1, 1))),
    ('conv2d_cover_all', dict(stride=(3, 3), cover_all=True)),
]

CASES = [
    Case('conv2d', [uniform(*X), uniform(4, 3, 3, 3)], attrs=attrs, ref=_conv, name=name)
    for name, attrs in CONV_ROWS
] + [
    Case('conv2d', [uniform(2, 4, 5, 5), uniform(6, 2, 3, 3)], attrs=dict(groups=2),
         ref=_conv, name='conv2d_groups'),
    Case('conv2d', [uniform(2, 4, 7, 5), uniform(4, 1, 2, 3)],
         attrs=dict(groups=4, stride=(2, 1), pad=(1, 1), cover_all=True), ref=_conv,
         name='conv2d_depthwise_cover_all'),
    # deconv2d: W is (in_c, out_c / groups, kh, kw)
    Case('deconv2d', [uniform(2, 3, 3, 3), uniform(3, 4, 3, 3)],
         attrs=dict(outsize=(5, 5)), ref=R.deconv2d),
    Case('deconv2d', [uniform(2, 3, 3, 3), uniform(3, 2, 3, 3)],
         attrs=dict(stride=(2, 2), pad=(1, 1), outsize=(5, 5)), ref=R.deconv2d,
         name='deconv2d_stride_pad'),
    Case('deconv2d', [uniform(2, 3, 3, 3), uniform(3, 2, 3, 3)],
         attrs=dict(stride=(2, 2), pad=(1, 1), outsize=(6, 6)), ref=R.deconv2d,
         name='deconv2d_outsize'),
    Case('deconv2d', [uniform(2, 4, 2, 3), uniform(4, 3, 2, 2)],
         attrs=dict(stride=(1, 2), dilate=(2, 1), groups=2, outsize=(4, 6)), ref=R.deconv2d,
         name='deconv2d_groups_dilate'),
    Case('deconv2d', [uniform(2, 4, 3, 4), uniform(4, 2, 2, 3)],
         attrs=dict(dilate=(2, 1), pad=(1, 1), groups=2, outsize=(3, 4)), ref=R.deconv2d,
         name='deconv2d_rows_groups_dilate_pad'),
    Case('deconv2d', [uniform(2, 3, 2, 2), uniform(3, 2, 3, 3)],
         attrs=dict(stride=(3, 3), outsize=(5, 5)), ref=R.deconv2d,
         name='deconv2d_cover_all_size'),
    # conv2d_grad_w: (x, gy) -> gW
    Case('conv2d_grad_w', [uniform(*X), uniform(2, 4, 3, 3)], attrs=dict(ksize=(3, 3)),
         ref=R.conv2d_grad_w),
    Case('conv2d_grad_w', [uniform(*X), uniform(2, 4, 3, 3)],
         attrs=dict(ksize=(3, 3), stride=(2, 2), pad=(1, 1)), ref=R.conv2d_grad_w,
         name='conv2d_grad_w_stride_pad'),
    Case('conv2d_grad_w', [uniform(2, 4, 6, 5), uniform(2, 6, 2, 2)],
         attrs=dict(ksize=(3, 2), dilate=(2, 2), groups=2, stride=(1, 2)),
         ref=R.conv2d_grad_w, name='conv2d_grad_w_groups_dilate'),
    Case('conv2d_grad_w', [uniform(*X), uniform(2, 4, 2, 2)],
         attrs=dict(ksize=(3, 3), stride=(3, 3)), ref=R.conv2d_grad_w,
         name='conv2d_grad_w_cover_all_size'),
    # max pooling and its adjoints
    Case('max_pool2d', [uniform(*X)], attrs=dict(ksize=(2, 2), stride=(2, 2)),
         ref=R.max_pool2d),
    Case('max_pool2d', [uniform(*X)], attrs=dict(ksize=(3, 3), stride=(2, 2), pad=(1, 1),
                                                 cover_all=False),
         ref=R.max_pool2d, name='max_pool2d_overlap_pad'),
    Case('max_pool2d', [uniform(2, 2, 4, 6)], attrs=dict(ksize=(2, 3), stride=(1, 2)),
         ref=R.max_pool2d, name='max_pool2d_rect'),
    Case('max_pool2d', [uniform(*X)], attrs=dict(ksize=(3, 3), stride=(1, 1), pad=(1, 1)),
         ref=R.max_pool2d, name='max_pool2d_rows_pad'),
    Case('max_pool2d', [uniform(2, 2, 4, 6)], attrs=dict(ksize=(2, 3), stride=(1, 1)),
         ref=R.max_pool2d, name='max_pool2d_rows_rect'),
    Case('max_pool2d_grad', [uniform(2, 3, 3, 3), ints(2, 3, 3, 3, high=4)],
         attrs=dict(ksize=(2, 2), stride=(2, 2), insize=(5, 5)), ref=R.max_pool2d_grad),
    Case('max_pool2d_grad', [uniform(2, 3, 3, 3), ints(2, 3, 3, 3, high=9)],
         attrs=dict(ksize=(3, 3), stride=(2, 2), pad=(1, 1), insize=(5, 5)),
         ref=R.max_pool2d_grad, name='max_pool2d_grad_overlap_pad'),
    Case('max_pool2d_grad', [uniform(2, 3, 5, 5), ints(2, 3, 5, 5, high=9)],
         attrs=dict(ksize=(3, 3), stride=(1, 1), pad=(1, 1), insize=(5, 5)),
         ref=R.max_pool2d_grad, name='max_pool2d_grad_rows_pad'),
    Case('max_pool2d_gather', [uniform(*X), ints(2, 3, 3, 3, high=4)],
         attrs=dict(ksize=(2, 2), stride=(2, 2)), ref=R.max_pool2d_gather),
    Case('max_pool2d_gather', [uniform(*X), ints(2, 3, 3, 3, high=9)],
         attrs=dict(ksize=(3, 3), stride=(2, 2), pad=(1, 1)), ref=R.max_pool2d_gather,
         name='max_pool2d_gather_overlap_pad'),
    Case('max_pool2d_gather', [uniform(*X), ints(2, 3, 5, 5, high=9)],
         attrs=dict(ksize=(3, 3), stride=(1, 1), pad=(1, 1)), ref=R.max_pool2d_gather,
         name='max_pool2d_gather_rows_pad'),
    # average pooling and its adjoint
    Case('avg_pool2d', [uniform(*X)], attrs=dict(ksize=(2, 2), stride=(2, 2)),
         ref=R.avg_pool2d),
    Case('avg_pool2d', [uniform(*X)], attrs=dict(ksize=(3, 3), stride=(2, 2), pad=(1, 1)),
         ref=R.avg_pool2d, name='avg_pool2d_overlap_pad'),
    Case('avg_pool2d', [uniform(*X)], attrs=dict(ksize=(2, 2), stride=(2, 2), cover_all=True),
         ref=R.avg_pool2d, name='avg_pool2d_cover_all'),
    Case('avg_pool2d', [uniform(2, 2, 4, 6)], attrs=dict(ksize=(3, 2), stride=(1, 1),
                                                          pad=(1, 0)),
         ref=R.avg_pool2d, name='avg_pool2d_rows_pad'),
    Case('avg_pool2d_grad', [uniform(2, 2, 4, 5)],
         attrs=dict(ksize=(3, 2), stride=(1, 1), pad=(1, 0), insize=(4, 6)),
         ref=R.avg_pool2d_grad, name='avg_pool2d_grad_rows_pad'),
    Case('avg_pool2d_grad', [uniform(2, 3, 2, 2)],
         attrs=dict(ksize=(2, 2), stride=(2, 2), insize=(5, 5)), ref=R.avg_pool2d_grad),
    Case('avg_pool2d_grad', [uniform(2, 3, 3, 3)],
         attrs=dict(ksize=(3, 3), stride=(2, 2), pad=(1, 1), insize=(5, 5)),
         ref=R.avg_pool2d_grad, name='avg_pool2d_grad_overlap_pad'),
    Case('avg_pool2d_grad', [uniform(2, 3, 3, 3)],
         attrs=dict(ksize=(2, 2), stride=(2, 2), insize=(5, 5)), ref=R.avg_pool2d_grad,
         name='avg_pool2d_grad_cover_all_size'),
]

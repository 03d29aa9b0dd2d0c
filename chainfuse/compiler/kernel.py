"""FusedOp: a group of elementwise ops that runs as one kernel.

A fused group iterates over one index space (its output shape).  Its body is the
group's ops in order, each reading the group's inputs (broadcast into the index space)
or earlier temporaries, and it writes every value that is needed outside the group.
For the GELU (tanh form) forward the body is::

    fused_mul_add_tanh(in0:f32[64,512]) -> out0:f32[64,512]
      t0 = mul(in0, in0)       t1 = mul(t0, in0)   ...   t7 = tanh(t6)   ...   out0 = t9

`FusedOp.impl` evaluates the body with each op's own ``impl`` (the numpy reference
and fallback); codegen prints the same body as a Numba loop (CPU) or as the
``operation`` of a ``cupy.ElementwiseKernel`` (CUDA).
"""
import hashlib

from chainfuse.ops.registry import Aval, OpTypeError

FUSED = 'fused'


class FusedOp:
    """Duck-types an `Op` so a fused group is a node of the graph like any other."""

    kind = FUSED
    is_fused = True
    differentiable = False
    expr = None
    attrs = {}
    writes_out = False        # the op facts of `Op` (see chainfuse.ops.registry)
    may_alias = False
    kernel_when_alone = False

    def __init__(self, body, in_avals, out_refs, out_avals, shape):
        self.body = body              # [(op, [ref...], attrs, tmp index)] ; ref = ('in', i)|('t', j)
        self.in_avals = tuple(in_avals)
        self.out_refs = tuple(out_refs)  # ('t', j) per output
        self.out_avals = tuple(out_avals)
        self.shape = tuple(shape)
        self.n_outputs = len(out_avals)
        ops = []
        for op, _, _, _ in body:
            if op.name not in ops:
                ops.append(op.name)
        digest = hashlib.sha1(self.signature().encode()).hexdigest()[:8]
        self.name = 'fused_' + '_'.join(ops[:5]) + ('_etc' if len(ops) > 5 else '') + \
            f'_{digest}'
        self.op_names = [op.name for op, _, _, _ in body]

    @classmethod
    def of_node(cls, node):
        """A kernel of one elementwise node (the plan lowers some lone ops this way)."""
        refs, ins = [], []
        for v in node.inputs:
            if v not in ins:
                ins.append(v)
            refs.append(('in', ins.index(v)))
        body = [(node.op, refs, dict(node.attrs), 0)]
        out = node.outputs[0]
        return cls(body, [v.aval for v in ins], [('t', 0)], [out.aval], out.shape)

    def signature(self):
        """Text that identifies the computation (ops, wiring, attrs, avals)."""
        parts = [f'in{i}:{a}' for i, a in enumerate(self.in_avals)]
        for op, refs, attrs, j in self.body:
            args = ','.join(f'{k}{i}' for k, i in refs)
            parts.append(f't{j}={op.name}({args}){sorted(attrs.items())}')
        parts.append('out=' + ','.join(f'{k}{i}' for k, i in self.out_refs))
        return ';'.join(parts)

    def infer(self, *avals):
        if tuple(avals) != self.in_avals:
            raise OpTypeError(self.name, f'expects inputs {list(map(str, self.in_avals))}, '
                                         f'got {list(map(str, avals))}')
        return self.out_avals

    def impl(self, xp, *arrays):
        """Reference evaluation: each op of the body with its registry impl."""
        tmps = {}
        for op, refs, attrs, j in self.body:
            args = [arrays[i] if k == 'in' else tmps[i] for k, i in refs]
            tmps[j] = op.impl(xp, *args, **attrs)
        outs = tuple(xp.asarray(tmps[j]) for _, j in self.out_refs)
        return outs if self.n_outputs > 1 else outs[0]

    def vjp(self, ctx, *gys):
        raise TypeError(f'{self.name} is a compiled kernel; differentiate before fusing')

    def describe(self):
        ins = ', '.join(f'in{i}:{a}' for i, a in enumerate(self.in_avals))
        outs = ', '.join(f'out{k}:{a}' for k, a in enumerate(self.out_avals))
        lines = [f'{self.name}[{",".join(map(str, self.shape))}]({ins}) -> {outs}']
        for op, refs, attrs, j in self.body:
            args = ', '.join(f'{k}{i}' for k, i in refs)
            extra = ''.join(f' {k}={v}' for k, v in attrs.items())
            lines.append(f'    t{j} = {op.name}({args}){extra}')
        lines.append('    return ' + ', '.join(f'{k}{i}' for k, i in self.out_refs))
        return '\n'.join(lines)

    def __repr__(self):
        return f'<FusedOp {self.name} ({len(self.body)} ops)>'


def broadcast_aval(aval, shape):
    return Aval(shape, aval.dtype)

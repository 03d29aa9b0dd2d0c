"""PyTorch on the CPU: eager (``torch``) and ``torch.compile`` (``torch-compile``).

The model is the spec written with ``torch.nn.functional`` on the given initial
weights (Linear and Conv weights have Chainer's layout, which is torch's too).
SGD and AdaGrad are ``torch.optim``'s, which compute exactly Chainer's formulas.
Adam is Chainer's formula written with in-place torch ops (`ChainerAdam`):
``torch.optim.Adam`` adds eps to the bias-corrected ``sqrt(v_hat)`` where Chainer
adds it to ``sqrt(v)``, which moves the loss by a few 1e-4 within three steps.
Like ``torch.optim.Adam`` on CPU tensors, it loops over the parameters.

``torch-compile`` compiles the model with its loss (``torch.compile(model)``:
forward and, through AOTAutograd, backward) and the optimizer step
(``torch.compile`` of the optimizer's tensor work; Adam's host-side step count and
alpha_t stay eager), inductor backend, default mode; ``zero_grad`` stays eager.
The thread count is the one numpy's BLAS uses (``BENCH_THREADS``, set by the parent).
"""
import math
import os

from benchmarks.adapters.base import Adapter
from benchmarks.specs import GELU_A, GELU_C


def _net_class(torch):
    F = torch.nn.functional

    class Net(torch.nn.Module):
        def __init__(self, spec, params):
            super().__init__()
            self.spec = spec
            self.names = {name: name.replace('/', '_') for name in params}
            self.p = torch.nn.ParameterDict(
                {self.names[n]: torch.nn.Parameter(torch.from_numpy(a.copy()))
                 for n, a in params.items()})

        def w(self, name):
            return self.p[self.names[name]]

        def forward(self, x, t):
            if self.spec['net']['kind'] == 'lstm':
                y = self.lstm(x)
            else:
                y = self.sequential(x)
            if self.spec['loss'] == 'softmax_ce':
                return F.cross_entropy(y, t)
            return F.nll_loss(F.log_softmax(y, dim=1), t)

        def sequential(self, x):
            for i, layer in enumerate(self.spec['net']['layers']):
                x = self.layer(i, layer, x)
            return x

        def layer(self, i, layer, x):
            kind = layer[0]
            if kind == 'linear':
                return F.linear(x, self.w(f'l{i}/W'), self.w(f'l{i}/b'))
            if kind == 'conv':
                return F.conv2d(x, self.w(f'l{i}/W'), self.w(f'l{i}/b'))
            if kind == 'relu':
                return torch.relu(x)
            if kind == 'tanh':
                return torch.tanh(x)
            if kind == 'gelu_tanh':
                return 0.5 * x * (1.0 + torch.tanh(GELU_C * (x + GELU_A * x * x * x)))
            if kind == 'maxpool':
                return F.max_pool2d(x, layer[1], stride=layer[2])
            if kind == 'flatten':
                return x.reshape(x.shape[0], -1)
            raise ValueError(f'unknown layer {layer!r}')

        def lstm(self, xs):
            n = self.spec['net']['n_hidden']
            h = xs.new_zeros((xs.shape[0], n))
            c = xs.new_zeros((xs.shape[0], n))
            W, b = self.w('gates/W'), self.w('gates/b')
            for s in range(self.spec['net']['steps']):
                z = F.linear(torch.cat((xs[:, s], h), dim=1), W, b)
                i, f, o, g = z.chunk(4, dim=1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
            return F.linear(h, self.w('out/W'), self.w('out/b'))

    return Net


class ChainerAdam:
    """``m += (1 - b1)(g - m); v += (1 - b2)(g g - v); p -= alpha_t m / (sqrt(v) + eps)``,
    ``alpha_t = alpha sqrt(1 - b2^t) / (1 - b1^t)``, in place under ``no_grad``."""

    def __init__(self, torch, params, alpha, beta1, beta2, eps):
        self.torch = torch
        self.params = list(params)
        self.alpha, self.beta1, self.beta2, self.eps = alpha, beta1, beta2, eps
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.alpha_t = torch.zeros((), dtype=torch.float32)
        self.t = 0

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            p.grad = None

    def step(self):
        self.host_step()
        self.apply()

    def host_step(self):
        """The step count and alpha_t, on the host (a 0-d tensor, so a compiled
        `apply` sees a new value without recompiling)."""
        self.t += 1
        fix1, fix2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t
        self.alpha_t.fill_(self.alpha * math.sqrt(fix2) / fix1)

    def apply(self):
        with self.torch.no_grad():
            for p, m, v in zip(self.params, self.m, self.v):
                g = p.grad
                m.lerp_(g, 1 - self.beta1)                 # m + (1 - b1) (g - m)
                v.lerp_(g * g, 1 - self.beta2)
                p.sub_(m.div(v.sqrt().add_(self.eps)).mul_(self.alpha_t))


def make_optimizer(torch, spec, params):
    name, hp = spec['optimizer']
    if name == 'adam':
        return ChainerAdam(torch, params, **hp)
    if name == 'sgd':
        return torch.optim.SGD(params, lr=hp['lr'])
    if name == 'adagrad':
        return torch.optim.Adagrad(params, lr=hp['lr'], eps=hp['eps'])
    raise ValueError(f'unknown optimizer {name!r}')


class Torch(Adapter):
    framework = 'torch'

    def setup(self, spec, params, x, t):
        import torch
        self.torch = torch
        threads = int(os.environ.get('BENCH_THREADS', '0') or 0)
        if threads:
            torch.set_num_threads(threads)
        self.model = _net_class(torch)(spec, params)
        self.opt = make_optimizer(torch, spec, self.model.parameters())
        self.x = torch.from_numpy(x)
        self.t = torch.from_numpy(t).long()
        self.forward, self.update = self.prepare()

    def prepare(self):
        return self.model, self.opt.step

    def step(self):
        self.opt.zero_grad(set_to_none=True)
        loss = self.forward(self.x, self.t)
        loss.backward()
        self.update()
        return loss

    def step_loss(self):
        return float(self.step().item())

    def info(self):
        torch = self.torch
        config = torch.__config__.show()
        blas = [part.split('=', 1)[1] for part in config.replace(',', ' ').split()
                if part.startswith('BLAS_INFO=')]
        mkl = [line.strip(' -') for line in config.splitlines() if 'Math Kernel' in line]
        return {'torch': torch.__version__, 'torch BLAS': ' / '.join(blas + mkl[:1]),
                'torch threads': str(torch.get_num_threads()),
                'torch interop threads': str(torch.get_num_interop_threads())}


class TorchCompile(Torch):
    framework = 'torch-compile'

    def prepare(self):
        torch = self.torch
        host = getattr(self.opt, 'host_step', None)
        apply = torch.compile(getattr(self.opt, 'apply', self.opt.step))

        def update():
            if host is not None:
                host()
            apply()
        return torch.compile(self.model), update

    def compile_stats(self):
        try:
            from torch._dynamo.utils import counters
            return {k: dict(v) for k, v in counters.items() if k in ('stats', 'frames')}
        except Exception as e:  # private API: report, never fail the run on it
            return {'error': repr(e)}

    def info(self):
        return dict(super().info(), **{'torch.compile': 'inductor, default mode'})

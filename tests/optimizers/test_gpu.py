"""Optimizers, hooks and serializers on CuPy arrays give the NumPy results (GPU only)."""
import numpy
import pytest

from chainfuse import backend, optimizer_hooks, optimizers, serializers

from ._models import MLP, mse, params_of, regression_data

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not backend.cuda_available(), reason='needs a GPU')]

MAKERS = [lambda: optimizers.SGD(lr=0.1), lambda: optimizers.MomentumSGD(),
          lambda: optimizers.NesterovAG(), lambda: optimizers.AdaGrad(lr=0.05),
          lambda: optimizers.AdaDelta(), lambda: optimizers.RMSprop(lr=0.005),
          lambda: optimizers.Adam(alpha=0.01, amsgrad=True, adabound=True)]


@pytest.mark.parametrize('make', MAKERS)
def test_gpu_training_matches_cpu(make, tmp_path):
    x, t = regression_data()
    cpu, gpu = MLP(seed=0), MLP(seed=0)
    gpu.to_gpu()
    opt_cpu, opt_gpu = make().setup(cpu), make().setup(gpu)
    for opt in (opt_cpu, opt_gpu):
        opt.add_hook(optimizer_hooks.WeightDecay(1e-3))
        opt.add_hook(optimizer_hooks.GradientClipping(0.5))
    xg, tg = backend.to_gpu(x), backend.to_gpu(t)
    for _ in range(5):
        opt_cpu.update(mse, cpu, x, t)
        opt_gpu.update(mse, gpu, xg, tg)
    assert backend.is_cupy_array(gpu.l1.W.array)
    assert backend.is_cupy_array(gpu.l1.W.update_rule.state[
        sorted(gpu.l1.W.update_rule.state)[0]])
    for (name, a), b in zip(params_of(cpu).items(), params_of(gpu).values()):
        numpy.testing.assert_allclose(a, backend.to_cpu(b), rtol=1e-4, atol=1e-5, err_msg=name)

    serializers.save_npz(tmp_path / 'opt.npz', opt_gpu)
    serializers.save_npz(tmp_path / 'model.npz', gpu)
    resumed = MLP(seed=5)
    resumed.to_gpu()
    serializers.load_npz(tmp_path / 'model.npz', resumed)
    opt_resumed = make().setup(resumed)
    serializers.load_npz(tmp_path / 'opt.npz', opt_resumed)
    opt_resumed.update(mse, resumed, xg, tg)  # state moves to the GPU at the first update
    opt_gpu.update(mse, gpu, xg, tg)
    numpy.testing.assert_allclose(backend.to_cpu(resumed.l2.W.array),
                                  backend.to_cpu(gpu.l2.W.array), rtol=1e-6, atol=1e-7)

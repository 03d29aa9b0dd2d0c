"""The error function family (Chainer's erf, erfc, erfcx, erfinv, erfcinv): each is one
op of `chainfuse.ops.special`, which says how it is computed."""
from chainfuse.ops import special as S


def erf(x):
    """Elementwise error function ``2/sqrt(pi) int_0^x exp(-t^2) dt``."""
    return S.erf(x)


def erfc(x):
    """Elementwise complementary error function ``1 - erf(x)``, accurate where erf(x) is
    close to 1 (erfc(5) = 1.5e-12)."""
    return S.erfc(x)


def erfcx(x):
    """Elementwise scaled complementary error function ``exp(x^2) erfc(x)``, finite for
    large x where the product would be inf * 0."""
    return S.erfcx(x)


def erfinv(x):
    """Elementwise inverse error function on [-1, 1] (+-inf at +-1, nan outside)."""
    return S.erfinv(x)


def erfcinv(x):
    """Elementwise inverse complementary error function on [0, 2] (inf at 0, -inf at 2,
    nan outside), precise for tiny x (erfcinv(1e-300) = 26.2)."""
    return S.erfcinv(x)

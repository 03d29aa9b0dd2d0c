from chainfuse.ops import special as S


def fft(x):
    """The discrete Fourier transform of the last axis of a complex array given as a pair
    ``(real, imag)``; returns ``(real, imag)``.  The gradient is the transform of the
    swapped output gradients (Chainer's rule)."""
    real, imag = x
    return S.fft(real, imag, method='fft')


def ifft(x):
    """The inverse of `fft`, on and to ``(real, imag)`` pairs."""
    real, imag = x
    return S.fft(real, imag, method='ifft')

# Chainer writes this file at build time; chainfuse ships ChainerX as not built.
build_chainerx = False

"""Writes cg_fixture.json: the function-level graphs Chainer 7.8.1 draws.

Run with a Chainer 7.8.1 install (not chainfuse):

    /path/to/chainer7-venv/bin/python tests/data/chainer7/make_cg_fixture.py

For each case, ``chainer.computational_graph.build_computational_graph`` of the
outputs, as {"nodes": {name: label}, "edges": [[head, tail], ...]} with Chainer's
node ids renamed n0, n1, ...  tests/test_computational_graph.py builds the same
graphs under chainfuse and expects them isomorphic with equal labels.
"""
import json
import os

import numpy as np

import chainer
import chainer.computational_graph as c
import chainer.functions as F
import chainer.links as L

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cg_fixture.json')


class MLP(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, 5)
            self.l2 = L.Linear(None, 5)
            self.l3 = L.Linear(None, 3)

    def forward(self, x):
        return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))


class CNN(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.conv = L.Convolution2D(None, 4, 3, pad=1)
            self.bn = L.BatchNormalization(4)
            self.fc = L.Linear(None, 3)

    def forward(self, x):
        h = F.max_pooling_2d(F.relu(self.bn(self.conv(x))), 2)
        # flattened here: F.linear on a 4-d input would add a Reshape node of its own
        return self.fc(F.dropout(F.reshape(h, (len(h), -1)), 0.5))


def as_json(outputs):
    g = c.build_computational_graph(outputs)
    names = {id(n): f'n{i}' for i, n in enumerate(g.nodes)}
    labels = {}
    for n in g.nodes:
        if isinstance(n, chainer.variable.VariableNode):
            label = n.label if n.name is None else f'{n.name}: {n.label}'
        else:
            label = n.label
        labels[names[id(n)]] = label
    return {'nodes': labels, 'edges': [[names[id(a)], names[id(b)]] for a, b in g.edges]}


def main():
    np.random.seed(0)
    x = np.random.rand(4, 6).astype(np.float32)
    t = np.array([0, 1, 2, 1], np.int32)
    cases = {'mlp_classifier': as_json([L.Classifier(MLP())(x, t)])}
    images = np.random.rand(2, 3, 6, 6).astype(np.float32)
    cases['cnn_classifier'] = as_json([L.Classifier(CNN())(images, t[:2])])
    v = chainer.Variable(x)
    y = F.sum(F.dropout(v * 2 + 1, 0.5) ** 2)
    y2 = F.mean(F.tanh(F.reshape(v, (2, 12))))
    cases['operators'] = as_json([y, y2])
    with open(OUT, 'w') as f:
        json.dump({'chainer_version': chainer.__version__, 'cases': cases}, f, indent=1,
                  sort_keys=True)
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()

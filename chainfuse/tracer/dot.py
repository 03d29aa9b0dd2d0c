"""DOT export of graphs, with names that depend only on graph position.

Ops are boxes labelled with the op and its attrs; values are edges labelled with
their aval; inputs are ellipses coloured by kind (data, param, persistent, rng,
const) and outputs are double octagons.  Node names are ``n<node id>``, ``in<value
id>`` and ``out<k>``: the same model on the same inputs gives a byte-identical file.
"""
import os
import shutil
import subprocess
import warnings

from chainfuse.tracer.ir import _fmt_attr
from chainfuse.utils import atomic_path, atomic_write

INPUT_STYLE = {
    'data': 'shape=ellipse,style=filled,fillcolor="#c6dbef"',
    'param': 'shape=ellipse,style=filled,fillcolor="#fdd0a2"',
    'persistent': 'shape=ellipse,style=filled,fillcolor="#fdae6b"',
    'rng': 'shape=ellipse,style=filled,fillcolor="#dadaeb"',
    'const': 'shape=ellipse,style=filled,fillcolor="#f0f0f0"',
    'grad': 'shape=ellipse,style=filled,fillcolor="#c7e9c0"',
    'hyper': 'shape=ellipse,style=filled,fillcolor="#fee391"',
    'saved': 'shape=ellipse,style=filled,fillcolor="#d9d9d9"',
}
OP_STYLE = 'shape=box,style=filled,fillcolor="#ffffff"'
OUTPUT_STYLE = 'shape=doubleoctagon,style=filled,fillcolor="#a1d99b"'


def _q(text):
    # labels may contain DOT escapes such as \n on purpose; only quotes are escaped
    return '"' + str(text).replace('"', '\\"') + '"'


def op_label(node):
    attrs = [f'{k}={_fmt_attr(v)}' for k, v in node.attrs.items()]
    return '\\n'.join([node.op.name] + attrs)


def value_source(v, prefix=''):
    return f'{prefix}in{v.id}' if v.producer is None else f'{prefix}n{v.producer.id}'


def graph_body(graph, node_label=op_label, clusters=None, prefix=''):
    """The statements of a graph's DOT (no header): nodes named ``<prefix>n<id>``..."""
    lines = []
    for v in graph.inputs:
        label = f'{v.name}\\n{v.aval}'
        lines.append(f'  {prefix}in{v.id} [label={_q(label)},{INPUT_STYLE.get(v.kind, "")}];')
    for name, (label, node_ids) in sorted((clusters or {}).items()):
        lines.append(f'  subgraph {_q("cluster_" + prefix + name)} {{')
        lines.append(f'    label={_q(label)}; style=rounded; color="#3182bd";')
        for nid in node_ids:
            lines.append(f'    {prefix}n{nid};')
        lines.append('  }')
    for n in graph.nodes:
        lines.append(f'  {prefix}n{n.id} [label={_q(node_label(n))},{OP_STYLE}];')
    for n in graph.nodes:
        for v in n.inputs:
            lines.append(f'  {value_source(v, prefix)} -> {prefix}n{n.id} '
                         f'[label={_q(v.aval)}];')
    for k, (v, kind, name) in enumerate(graph.outputs):
        lines.append(f'  {prefix}out{k} [label={_q(f"{kind}: {name}")},{OUTPUT_STYLE}];')
        lines.append(f'  {value_source(v, prefix)} -> {prefix}out{k} [label={_q(v.aval)}];')
    return lines


def _header(name, rankdir):
    return [f'digraph {_q(name)} {{', f'  rankdir={rankdir};',
            '  node [fontname="Helvetica",fontsize=10];',
            '  edge [fontname="Helvetica",fontsize=9];']


def graph_to_dot(graph, rankdir='TB', node_label=op_label, clusters=None):
    """Returns DOT text.  `clusters` optionally maps a cluster name to (label, node ids)
    and draws those nodes inside a ``subgraph cluster_<name>`` (used for fused kernels)."""
    lines = _header(graph.name, rankdir) + graph_body(graph, node_label, clusters)
    return '\n'.join(lines + ['}']) + '\n'


def graphs_to_dot(name, parts, rankdir='TB'):
    """Several graphs in one DOT file, each in a cluster: `parts` is a list of
    (title, graph, node_label, clusters); node names are prefixed by the part's index."""
    lines = _header(name, rankdir)
    for i, (title, graph, node_label, clusters) in enumerate(parts):
        lines.append(f'  subgraph {_q(f"cluster_part{i}")} {{')
        lines.append(f'    label={_q(title)};')
        lines += ['  ' + line for line in graph_body(graph, node_label, clusters, f'p{i}_')]
        lines.append('  }')
    return '\n'.join(lines + ['}']) + '\n'


_warned_no_dot = False


def dot_available():
    return shutil.which('dot') is not None


def render(dot_path, fmt='png'):
    """Renders a .dot file with the Graphviz `dot` binary into an image beside it
    (cg.dot -> cg.png); the one renderer of every graph chainfuse dumps.

    Returns the image's path, or None where `dot` is not installed (a warning says so,
    once per process; the .dot file stays usable).  The image is written through a
    temporary file, so a reader never sees half of one.
    """
    global _warned_no_dot
    exe = shutil.which('dot')
    if exe is None:
        if not _warned_no_dot:
            _warned_no_dot = True
            warnings.warn(f'the graphviz "dot" binary is not installed, so {dot_path} was not '
                          f'rendered to {fmt.upper()}; install graphviz (apt-get install '
                          f'graphviz) or render it elsewhere with: dot -T{fmt} {dot_path}',
                          stacklevel=2)
        return None
    out_path = f'{os.path.splitext(dot_path)[0]}.{fmt}'
    with atomic_path(out_path) as tmp:
        subprocess.run([exe, f'-T{fmt}', dot_path, '-o', tmp], check=True,
                       capture_output=True)
    return out_path


def dump_dot(graph, path, render_format=None, **kw):
    """Writes the graph's DOT text to `path` atomically; optionally renders an image."""
    atomic_write(path, graph_to_dot(graph, **kw))
    if render_format:
        render(path, render_format)
    return path

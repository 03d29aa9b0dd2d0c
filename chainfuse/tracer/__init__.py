"""The tracer: records a define-by-run call into the graph IR (see DESIGN.md, "Tracer")."""
from chainfuse.tracer.errors import GraphBreak, TraceError, user_location  # noqa: F401
from chainfuse.tracer.ir import Graph, Node, Value, IRError  # noqa: F401
from chainfuse.tracer.interpreter import ExecutionError, run_graph  # noqa: F401
from chainfuse.tracer.dot import dump_dot, graph_to_dot, render  # noqa: F401
from chainfuse.tracer.guards import TraceCache, signature, describe_change  # noqa: F401
from chainfuse.tracer.recorder import Recorder, TracedArray  # noqa: F401
from chainfuse.tracer.trace import Trace, trace  # noqa: F401

"""JSON lines between the parent and a worker: one request, one reply, per line.

Requests are ``{"cmd": name, ...}``; a reply is a dict, with ``"error"`` (and
``"traceback"``) when the command raised, or ``"skipped"`` when the framework is
not installed.  The worker keeps its real stdout for the protocol and points file
descriptor 1 at stderr, so a library that prints cannot corrupt the stream.
"""
import json
import os
import sys


def send(stream, obj):
    stream.write(json.dumps(obj) + '\n')
    stream.flush()


def decode(line):
    return json.loads(line)


def private_stdout():
    """A text stream on the original stdout; fd 1 (and sys.stdout) now go to stderr."""
    sys.stdout.flush()
    fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(fd, 'w', buffering=1)

"""A worker subprocess, as the parent sees it: ``call(cmd, **args)`` -> reply dict.

Each worker runs ``python -m benchmarks.worker`` under the interpreter of its
framework, with the repository on PYTHONPATH; its stderr goes to a log file whose
tail is quoted when it fails.  A reader thread turns its stdout into a queue, so
a command can time out; a worker that times out, exits or errors raises
`WorkerFailed`, and the run goes on without it.
"""
import os
import queue
import subprocess
import threading

from benchmarks import protocol

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class WorkerFailed(Exception):
    pass


class Skipped(Exception):
    pass


class WorkerProcess:
    def __init__(self, python, env, log_path, label):
        self.label = label
        self.log_path = log_path
        self.log = open(log_path, 'w')
        env = dict(env)
        env['PYTHONPATH'] = os.pathsep.join(p for p in (ROOT, env.get('PYTHONPATH')) if p)
        try:
            self.proc = subprocess.Popen([python, '-m', 'benchmarks.worker'], cwd=ROOT,
                                         env=env, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self.log, text=True,
                                         bufsize=1)
        except OSError as e:
            self.log.close()
            raise WorkerFailed(f'cannot start {python}: {e}') from None
        self.replies = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.replies.put(line)
        self.replies.put(None)

    def call(self, cmd, timeout=600, **args):
        """Sends one command and waits for its reply (raises Skipped / WorkerFailed)."""
        self.send(cmd, **args)
        return self.receive(cmd, timeout)

    def send(self, cmd, **args):
        try:
            protocol.send(self.proc.stdin, dict(args, cmd=cmd))
        except (BrokenPipeError, OSError):
            pass        # receive() reports the exit

    def receive(self, cmd, timeout=600):
        """The reply to the command sent last (several workers may work at once)."""
        try:
            line = self.replies.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise WorkerFailed(f'{cmd} timed out after {timeout} s') from None
        if line is None:
            raise WorkerFailed(f'worker exited during {cmd} (rc {self.proc.wait()}): '
                               f'{self.stderr_tail()}')
        reply = protocol.decode(line)
        if 'skipped' in reply:
            raise Skipped(reply['skipped'])
        if 'error' in reply:
            raise WorkerFailed(f"{cmd}: {reply['error']}")
        return reply

    def stderr_tail(self, n=400):
        self.log.flush()
        try:
            with open(self.log_path) as f:
                text = f.read()
        except OSError:
            return ''
        return ' '.join(text[-n:].split())

    def close(self):
        if self.proc.poll() is None:
            try:
                self.call('quit', timeout=30)
            except (WorkerFailed, Skipped):
                pass
        self.kill()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()

"""What every framework adapter provides to the worker.

An adapter owns one model, its optimizer and the one training batch.  ``step()``
is a full training step (forward, loss, backward, optimizer update); the worker
times it.  ``step_loss()`` is the same step returning the loss as a float (used
for the first steps, whose losses the parent compares across frameworks).
"""


class Adapter:
    framework = ''

    def setup(self, spec, params, x, t):
        """Builds the model from `spec` with initial weights `params` (name -> array)."""
        raise NotImplementedError

    def step(self):
        raise NotImplementedError

    def step_loss(self):
        raise NotImplementedError

    def sync(self):
        """Waits for work a step left running asynchronously (JAX dispatch)."""

    def kernels(self):
        """Kernel launches (or op applications) of one step, as a dict; None if unknown."""
        return None

    def compile_stats(self):
        """What the framework reports about compilation, as a dict; None if nothing."""
        return None

    def info(self):
        """Versions, BLAS and threads, as a dict of strings."""
        return {}

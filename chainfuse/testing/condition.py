"""``testing.condition``: run a flaky (random) test several times.

``@condition.retry(n)`` passes if one of `n` runs passes; ``@condition.repeat(n)``
needs all `n`; ``@condition.repeat_with_success_at_least(n, k)`` needs `k` of `n`.
Each run is a fresh instance of the test case (its ``setUp`` and ``tearDown`` run),
and a failure reports the counts and the first failure's message.
"""
import functools
import unittest


class QuietTestRunner:
    """Runs a suite into a TestResult without printing anything."""

    def run(self, suite):
        result = unittest.TestResult()
        suite(result)
        return result


def repeat_with_success_at_least(times, min_success):
    """Runs the test up to `times` times; it passes once `min_success` runs passed."""
    if not 0 <= min_success <= times:
        raise ValueError(f'min_success must be between 0 and times ({times}), got '
                         f'{min_success}')

    def decorate(f):
        @functools.wraps(f)
        def run(self, *args, **kwargs):
            if not isinstance(self, unittest.TestCase):
                raise TypeError('condition decorators apply to unittest.TestCase methods')
            passed = failed = 0
            first_failure = None
            for _ in range(times):
                instance = type(self)(self._testMethodName)
                suite = unittest.FunctionTestCase(
                    lambda: f(instance, *args, **kwargs), setUp=instance.setUp,
                    tearDown=instance.tearDown)
                result = QuietTestRunner().run(suite)
                if result.skipped:
                    self.skipTest(result.skipped[0][1])
                if result.wasSuccessful():
                    passed += 1
                else:
                    failed += 1
                    first_failure = first_failure or result
                if passed >= min_success:
                    return
                if failed > times - min_success:
                    break
            message = f'\nFail: {failed}, Success: {passed}'
            if first_failure is not None:
                errors = first_failure.failures + first_failure.errors
                message += '\n\nThe first error message:\n' + '\n'.join(e[1] for e in errors)
            self.fail(message)
        return run
    return decorate


def repeat(times):
    """The test must pass `times` times in a row."""
    return repeat_with_success_at_least(times, times)


def retry(times):
    """The test must pass at least once in `times` runs."""
    return repeat_with_success_at_least(times, 1)

"""``bundler.interrupts`` with real signals: held ones come at the end, swallowed ones come back.

Each case runs in a fresh Python process that signals itself: a signal sent to the test process would
reach pytest (and, under pytest-xdist, stop its worker) rather than only the code under test.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_alone(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_a_signal_while_held_is_raised_when_the_hold_ends():
    done = run_alone(
        """
        import os, signal
        from bundler import interrupts
        reached = []
        try:
            with interrupts.handling():
                with interrupts.held():
                    os.kill(os.getpid(), signal.SIGTERM)
                    reached.append("after the signal, still held")
                reached.append("after the hold: wrong")
        except interrupts.Interrupted as exc:
            print(reached, signal.Signals(exc.signum).name)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['after the signal, still held'] SIGTERM"


def test_an_interrupt_python_swallowed_is_raised_at_the_next_check_without_a_report():
    done = run_alone(
        """
        import gc, os, signal
        from bundler import interrupts

        class SignalsWhenCollected:
            def __del__(self):
                os.kill(os.getpid(), signal.SIGINT)  # the handler raises here, where Python can only report it

        reached = []
        try:
            with interrupts.handling():
                SignalsWhenCollected()
                gc.collect()
                reached.append("the collection swallowed it")
                interrupts.check()
                reached.append("after the check: wrong")
        except interrupts.Interrupted as exc:
            print(reached, signal.Signals(exc.signum).name)
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['the collection swallowed it'] SIGINT"
    assert "Exception ignored" not in done.stderr


def test_an_interrupt_the_command_takes_as_its_way_to_stop_is_forgotten():
    done = run_alone(
        """
        import os, signal
        from bundler import interrupts
        with interrupts.handling():
            try:
                os.kill(os.getpid(), signal.SIGINT)
            except KeyboardInterrupt:
                interrupts.taken()
            interrupts.check()
            print("stopped")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped"


def test_outside_the_command_line_nothing_is_remembered():
    done = run_alone(
        """
        from bundler import interrupts
        interrupts.check()  # no handler installed: a library caller's signals are its own
        with interrupts.held():
            pass
        print("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"

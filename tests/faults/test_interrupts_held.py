"""``bundler.interrupts`` with real signals sent to this process: held ones come at the end, swallowed ones come back."""

from __future__ import annotations

import gc
import os
import signal

import pytest

from bundler import interrupts


def test_a_signal_while_held_is_raised_when_the_hold_ends():
    reached = []
    with interrupts.handling(), pytest.raises(interrupts.Interrupted) as raised:
        with interrupts.held():
            os.kill(os.getpid(), signal.SIGTERM)
            reached.append("after the signal, still held")
    assert reached == ["after the signal, still held"]
    assert raised.value.signum == signal.SIGTERM


def test_an_interrupt_python_swallowed_is_raised_at_the_next_check_without_a_report(capsys):
    class SignalsWhenCollected:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)  # the handler raises here, where Python can only report it

    reached = []
    with interrupts.handling(), pytest.raises(interrupts.Interrupted) as raised:
        SignalsWhenCollected()
        gc.collect()
        reached.append("the collection swallowed it")
        interrupts.check()
    assert reached == ["the collection swallowed it"]
    assert raised.value.signum == signal.SIGINT
    assert "Exception ignored" not in capsys.readouterr().err


def test_outside_the_command_line_nothing_is_remembered():
    interrupts.check()  # no handler installed: a library caller's signals are its own
    with interrupts.held():
        pass

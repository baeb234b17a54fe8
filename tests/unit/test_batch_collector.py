"""Batch entrypoints (the billing run) pause the cyclic garbage collector and always give it back."""

from __future__ import annotations

import gc

import pytest

from pmsaas.entrypoints.batch import garbage_collector_paused as _collector_paused


def test_paused_during_the_run_and_resumed_after_the_last_overlapping_run():
    assert gc.isenabled()
    outer = _collector_paused()
    outer.__enter__()
    assert not gc.isenabled()
    with _collector_paused():  # a second run of the same worker overlaps
        assert not gc.isenabled()
    assert not gc.isenabled()  # the first one is still running
    outer.__exit__(None, None, None)
    assert gc.isenabled()


def test_resumed_when_the_run_fails():
    with pytest.raises(RuntimeError), _collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_someone_elses_pause_is_left_alone():
    gc.disable()
    try:
        with _collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()

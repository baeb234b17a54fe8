"""configure_logging: structlog's own loggers render (they used to raise on every call)."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from pmsaas.logging import configure_logging


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("as_json", [True, False])
def test_structlog_logger_renders_with_its_name_and_masks_secrets(restore_logging, capsys, as_json):
    configure_logging(json=as_json, level="INFO")
    structlog.get_logger("pmsaas.http").info("request", path="/health", password="hunter2")
    err = capsys.readouterr().err
    assert "hunter2" not in err
    if as_json:
        line = json.loads(err.strip().splitlines()[-1])
        assert line["event"] == "request"
        assert line["logger"] == "pmsaas.http"
        assert line["password"] == "***"
        assert line["path"] == "/health"
    else:
        assert "request" in err and "pmsaas.http" in err


def test_standard_library_records_share_the_renderer(restore_logging, capsys):
    configure_logging(json=True, level="INFO")
    logging.getLogger("granian").info("started")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "started"
    assert line["logger"] == "granian"


def test_a_logger_used_before_a_reconfiguration_follows_the_new_one(restore_logging, capsys):
    """A module-level logger used once (an arq worker's start-up in the same process, say) must not
    keep that first renderer: the request log would stop being JSON in production."""
    log = structlog.get_logger("pmsaas.module_level")
    configure_logging(json=False, level="INFO")
    log.info("first")
    configure_logging(json=True, level="INFO")
    capsys.readouterr()
    log.info("second")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "second"

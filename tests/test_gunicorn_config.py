"""deploy/gunicorn.conf.py recycles a worker on memory, never on a request count."""

import runpy
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"


@pytest.fixture
def config(monkeypatch):
    monkeypatch.setenv("GUNICORN_MAX_WORKER_MB", "300")
    return runpy.run_path(str(CONFIG))


def _worker(config):
    worker = SimpleNamespace(alive=True, pid=4321, log=mock.Mock())
    config["post_fork"](None, worker)
    return worker


def _serve(config, worker, requests, rss):
    hooks = config["post_request"].__globals__
    with mock.patch.dict(hooks, {"resident_mb": lambda pid="self": rss}):
        for _ in range(requests):
            config["post_request"](worker, None, {}, None)


def test_no_worker_is_recycled_by_a_request_count(config):
    assert config["max_requests"] == 0
    assert "max_requests_jitter" not in config


def test_a_worker_over_its_memory_limit_stops_after_the_request_that_checks(config):
    worker = _worker(config)
    assert 300 <= worker.memory_limit_mb <= 330
    _serve(config, worker, config["CHECK_EVERY"] - 1, rss=1000)
    assert worker.alive  # memory is read every CHECK_EVERY requests only
    _serve(config, worker, 1, rss=1000)
    assert not worker.alive
    assert "recycling" in worker.log.warning.call_args[0][0]


def test_a_worker_under_its_limit_keeps_serving(config):
    worker = _worker(config)
    _serve(config, worker, config["CHECK_EVERY"] * 50, rss=299)
    assert worker.alive


def test_two_workers_growing_alike_get_different_limits(config):
    limits = {_worker(config).memory_limit_mb for _ in range(5)}
    assert len(limits) == 5


def test_the_resident_memory_is_read_from_proc(config):
    assert 5 < config["resident_mb"]() < 4000

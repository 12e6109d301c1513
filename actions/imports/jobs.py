"""What background jobs say while they run: progress, heartbeats, and which workers live.

Imports run as django-tasks tasks in a separate worker process
(``manage.py run_worker``). While an import writes, its transaction holds
the database (on SQLite, the only writer), so the job cannot report its
progress there: it writes small JSON files into the work directory instead,
and a page reads them. A file's age is the heartbeat: a job or worker whose
file stopped changing has stopped (killed, machine restarted).

The work directory (settings.WORK_DIR) is private: created 0700, and used only
when it is a real directory owned by the user the app runs as; a directory
another local user created (or a symlink) is refused, never trusted.
"""

import json
import logging
import os
import socket
import stat
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

BEAT_SECONDS = 2  # a running job rewrites its file this often
JOB_STALE_AFTER = 60  # …and is taken as stopped when the file is older than this
WORKER_BEAT_SECONDS = 10
WORKER_STALE_AFTER = 60


def private_directory(path):
    """``path`` as a directory only this process's user can use, created if missing."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()  # lstat: a symlink is not followed, and not accepted
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise ImproperlyConfigured(
            f"作業用ディレクトリ {path} は、このアプリを動かす利用者のディレクトリではないため使えません。"
            "環境変数 WORK_DIR で、このアプリだけが書き込める場所を指定してください。"
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o700)
    return path


def work_directory(*parts):
    path = private_directory(settings.WORK_DIR)
    for part in parts:
        path = private_directory(path / part)
    return path


def _write_json(path, data):
    """Write ``data`` to ``path`` whole or not at all (readers never see half a file)."""
    handle = tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=".", suffix=".tmp", delete=False, encoding="utf-8"
    )
    with handle:
        json.dump(data, handle, ensure_ascii=False)
    os.replace(handle.name, path)


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        age = time.time() - path.stat().st_mtime
    except (OSError, ValueError):
        return None
    return {**data, "age": age} if isinstance(data, dict) else None


# --- job progress ------------------------------------------------------------------


def _progress_file(job_id):
    return work_directory("progress") / f"{job_id}.json"


def write_progress(job_id, label, done=0, total=0):
    _write_json(_progress_file(job_id), {"label": label, "done": done, "total": total})


def read_progress(job_id):
    """{"label", "done", "total", "age"} of a job that has started, else None."""
    return _read_json(_progress_file(job_id))


def discard_progress(job_id):
    _progress_file(job_id).unlink(missing_ok=True)


class Progress:
    """A running job's progress file, kept fresh by a thread while the job works.

    The thread rewrites the file every BEAT_SECONDS even while the job is
    inside one long call (reading a workbook, one bulk write), so a file that
    stops changing means the process is gone.
    """

    def __init__(self, job_id):
        self.job_id = job_id
        self.state = {"label": "", "done": 0, "total": 0}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"progress-{job_id}")

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def step(self, label, done=0, total=0):
        with self._lock:
            self.state = {"label": label, "done": done, "total": total}
        self._write()

    def _write(self):
        with self._lock:
            state = dict(self.state)
        try:
            write_progress(self.job_id, **state)
        except (OSError, ImproperlyConfigured):
            pass  # progress is for the page only; the import goes on without it

    def _beat(self):
        while not self._stop.wait(BEAT_SECONDS):
            self._write()


# --- workers ---------------------------------------------------------------------------


def _worker_file(name):
    return work_directory("workers") / f"{name}.json"


@contextmanager
def worker_heartbeat(chores=()):
    """Announce a running worker (for the health check) for as long as the block runs.

    ``chores`` run with every beat, in the heartbeat's thread (run_worker's:
    failing the jobs of dead workers, dropping expired initial passwords).
    """
    name = worker_name()
    stop = threading.Event()
    started = time.time()

    def beat():
        while True:
            try:
                _write_json(_worker_file(name), {"pid": os.getpid(), "started": started})
            except (OSError, ImproperlyConfigured):
                pass
            _run_chores(chores)
            if stop.wait(WORKER_BEAT_SECONDS):
                return

    thread = threading.Thread(target=beat, daemon=True, name="worker-heartbeat")
    thread.start()
    try:
        yield name
    finally:
        stop.set()
        thread.join()
        _worker_file(name).unlink(missing_ok=True)


ALIVE, DEAD, UNKNOWN = "alive", "dead", "unknown"


def worker_name():
    """This process's worker name: its heartbeat file and its django-tasks worker id."""
    return f"{socket.gethostname()}-{os.getpid()}"[-64:]


def _process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: it exists
    return True


def worker_state(name):
    """ALIVE, DEAD or UNKNOWN (a worker id this project did not name).

    On this machine a worker is alive while its process exists; on another,
    while its heartbeat file is fresh (WORKER_STALE_AFTER).
    """
    host, _, pid = name.rpartition("-")
    if host == socket.gethostname() and pid.isdigit():
        return ALIVE if _process_exists(int(pid)) else DEAD
    try:
        beat = _read_json(_worker_file(name))
    except (OSError, ImproperlyConfigured):
        return UNKNOWN
    if beat is None:
        return UNKNOWN
    return ALIVE if beat["age"] <= WORKER_STALE_AFTER else DEAD


def _run_chores(chores):
    from django.db import OperationalError, connection

    for chore in chores:
        for attempt in range(3):
            try:
                chore()
            except OperationalError:  # SQLite's lock while another connection writes: passes
                connection.close()
                if attempt == 2:
                    logger.exception("Worker chore %s failed", getattr(chore, "__name__", chore))
                time.sleep(0.2 * (attempt + 1))
                continue
            except Exception:  # noqa: BLE001 - a chore never stops the heartbeat
                logger.exception("Worker chore %s failed", getattr(chore, "__name__", chore))
            break
    if chores:
        connection.close()  # this thread's own connection


def live_workers(max_age=WORKER_STALE_AFTER):
    """Names of the workers whose heartbeat is fresh."""
    try:
        directory = work_directory("workers")
    except (OSError, ImproperlyConfigured):
        return []
    names = []
    for path in directory.glob("*.json"):
        try:
            if time.time() - path.stat().st_mtime <= max_age:
                names.append(path.stem)
        except OSError:
            continue
    return sorted(names)


def worker_needed():
    """Whether tasks wait for a worker (the database backend) rather than run at once."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend.endswith("DatabaseBackend")

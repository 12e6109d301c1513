"""python manage.py run_worker: the background worker that runs imports.

django-tasks-db's worker (db_worker, with all its options), plus a heartbeat
in the work directory for the health check (/health/) while it runs. Its
worker id is its heartbeat's name (host-pid), so a job whose worker died can
be told from one still running: when it starts and with every heartbeat,
the worker marks such jobs failed (actions.imports.dead_jobs) and drops
expired initial passwords. Run one next to the web server; `make run`
starts one with runserver.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from actions.imports import dead_jobs, initial_passwords
from actions.imports.jobs import worker_heartbeat, worker_name

CHORES = (dead_jobs.fail_dead_jobs, initial_passwords.purge_expired)


class Command(DatabaseWorkerCommand):
    help = (
        "取込などのバックグラウンド処理を実行するワーカーを起動します"
        "（django-tasks のデータベースバックエンド。Ctrl+C で停止）。"
    )

    def handle(self, *args, **options):
        options["worker_id"] = worker_name()
        with worker_heartbeat(CHORES):
            super().handle(*args, **options)

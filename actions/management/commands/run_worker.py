"""python manage.py run_worker: the background worker that runs imports.

django-tasks-db's worker (db_worker, with all its options), plus a heartbeat
in the work directory for the health check (/health/) while it runs. Run one
next to the web server; `make run` starts one with runserver.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from actions.imports.jobs import worker_heartbeat


class Command(DatabaseWorkerCommand):
    help = (
        "取込などのバックグラウンド処理を実行するワーカーを起動します"
        "（django-tasks のデータベースバックエンド。Ctrl+C で停止）。"
    )

    def handle(self, *args, **options):
        with worker_heartbeat():
            super().handle(*args, **options)

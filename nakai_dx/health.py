"""Checks behind /health/ (django-health-check), for the reverse proxy and monitoring.

The list of checks is ``settings.HEALTH_CHECKS``; a check is a django-health-check
``HealthCheck`` dataclass. Messages name what is wrong, never a host, user,
password or query.
"""

import dataclasses

from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration the code ships has been applied to the database."""

    alias: str = "default"

    def run(self):
        connection = connections[self.alias]
        try:
            with connection.temporary_connection():
                executor = MigrationExecutor(connection)
                plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            raise ServiceUnavailable("データベースに接続できません。") from error
        if plan:
            raise ServiceUnavailable(
                f"適用されていないマイグレーションが {len(plan)} 件あります"
                "（manage.py migrate を実行してください）。"
            )


@dataclasses.dataclass
class TaskWorkerAlive(HealthCheck):
    """A background worker (manage.py run_worker) has reported in within the last minute.

    Passes without one when tasks run inside the request (TASKS_BACKEND set to
    the immediate backend), where no worker is needed.
    """

    def run(self):
        from actions.imports import jobs

        if jobs.worker_needed() and not jobs.live_workers():
            raise ServiceUnavailable(
                "バックグラウンド処理のワーカーが動いていません（manage.py run_worker を起動してください）。"
            )

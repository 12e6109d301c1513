"""Uploads kept between the dry run and the confirmation: in the database, with a digest.

The file is stored on its ImportJob row (only this app writes there; no
shared temp directory is involved), with its SHA-256. The upload page puts
the same digest in the user's session; the confirmation goes ahead only when
the session's digest, the job's and the stored bytes' own agree, so a file
changed after the dry run is never imported unseen.
"""

import hashlib

from actions.models import ImportJob

CHANGED_MESSAGE = (
    "点検したファイルと保存されている内容が一致しないため、取り込みません。"
    "何も書き込んでいません。もう一度ファイルを選んで点検してください。"
)


class UploadChanged(Exception):
    """The stored upload is not the file the dry run checked; ``str()`` is for the user."""

    def __init__(self, message=CHANGED_MESSAGE):
        super().__init__(message)


def digest(data):
    return hashlib.sha256(data).hexdigest()


def save_upload(data, *, filename, user, town=None):
    """A new job of a town (by default the deployment's only one) holding the upload."""
    town_given = {"town": town} if town is not None else {}
    return ImportJob.objects.create(
        user=user, filename=filename[:255], data=data, digest=digest(data), **town_given
    )


def load_upload(job, expected_digest=None):
    """The stored bytes, checked against the digest recorded at upload (and the session's)."""
    data = bytes(job.data)
    if not data or digest(data) != job.digest:
        raise UploadChanged()
    if expected_digest is not None and expected_digest != job.digest:
        raise UploadChanged()
    return data

"""The static files storage: whitenoise's, with each file's URL worked out once per process.

Every page asks for the same few URLs ({% static %}); the manifest does not
change while the process runs, so the answer is kept.
"""

from functools import lru_cache

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    @lru_cache(maxsize=256)  # noqa: B019 - one storage object per process, kept for its life
    def url(self, name, force=False):
        return super().url(name, force)

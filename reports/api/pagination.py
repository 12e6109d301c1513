"""limit/offset pages with bounds: a request outside them is a 422 naming the field."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000  # far beyond any list here; keeps OFFSET within every database's range


class BoundedPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"1ページの件数（1～{MAX_LIMIT}）"
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="先頭から飛ばす件数")

    class Output(Schema):
        count: int = Field(description="全体の件数")
        limit: int
        offset: int
        items: list

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        return {**page, "limit": pagination.limit, "offset": pagination.offset}

"""Load a town's data fixture (fixtures/nakai_dx_plan.json) into that town, whatever keys exist.

The fixture names its rows by keys (the town is 1, its plans 1 and 2 …); on a
deployment where those keys already belong to other rows — another town added
first with manage.py add_town, another town's plans — loaddata would overwrite
them. Here every row is added under a new key and every reference follows it:
the town is found by its 全国地方公共団体コード (created if there is none),
the national plan's items (shared by every town) by edition and name.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.db import models, transaction

from plans.versions import data_changed

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "nakai_dx_plan.json"
TOWN = "plans.town"
SHARED = "plans.nationalplanitem"
FILLED_FROM_FIXTURE = ("office", "contact", "citation")  # where the town's own are blank


class TownDataError(Exception):
    """Why the fixture cannot be loaded; str() is the message for the operator (Japanese)."""


def fixture_town(path=FIXTURE):
    """The fixture's town record's fields (code, name …)."""
    towns = [r for r in _records(path) if r["model"] == TOWN]
    if len(towns) != 1:
        raise TownDataError(f"{Path(path).name} には団体がちょうど1つ必要です（{len(towns)}件）。")
    return towns[0]["fields"]


def load(path=FIXTURE):
    """Add the fixture's rows to its town: (town, [plans]). All or nothing.

    Refused (TownDataError) when the town already has plans: loading again would
    add a second copy, and what was recorded on screen must not be overwritten.
    """
    from plans.models import Plan, Town

    code = fixture_town(path)["code"]
    with transaction.atomic():
        town = Town.objects.filter(code=code).first()
        if town is not None and Plan.objects.for_town(town).exists():
            raise TownDataError(
                f"団体「{town.name}」（{code}）には計画が登録済みのため、読み込みませんでした"
                "（読み込むと同じ計画がもう1組でき、画面で記録した内容とも重なります）。"
            )
        keys = {}  # (model label, key in the fixture) -> key in the database
        plans = []
        for found in serializers.deserialize("json", _text(path)):
            obj = found.object
            label = obj._meta.label_lower
            old = obj.pk
            if label == TOWN:
                keys[(label, old)] = _town(obj, town).pk
                continue
            if label == SHARED:
                existing = type(obj).objects.filter(edition=obj.edition, name=obj.name).first()
                if existing is not None:
                    keys[(label, old)] = existing.pk
                    continue
            _follow_references(obj, keys)
            obj.pk = None
            obj._state.adding = True
            # Raw, as loaddata saves: its values as written, and the signals say so.
            models.Model.save_base(obj, raw=True)
            keys[(label, old)] = obj.pk
            _add_links(obj, found.m2m_data, keys)
            if isinstance(obj, Plan):
                plans.append(obj)
        # The figures' tallies of the new plans, and every cached page that lists plans.
        for plan in plans:
            data_changed(plan)
        data_changed(recount=False)
    return Town.objects.get(code=code), plans


def _town(obj, town):
    if town is None:
        obj.pk = None
        obj.save()
        return obj
    blank = [name for name in FILLED_FROM_FIXTURE if not getattr(town, name)]
    for name in blank:
        setattr(town, name, getattr(obj, name))
    if blank:
        town.save(update_fields=blank)
    return town


def _follow_references(obj, keys):
    for field in obj._meta.concrete_fields:
        if field.many_to_one or field.one_to_one:
            value = getattr(obj, field.attname)
            if value is None:
                continue
            target = field.related_model._meta.label_lower
            if (target, value) not in keys:
                raise TownDataError(
                    f"{obj._meta.verbose_name}（{obj.pk}）の「{field.verbose_name}」が指す行"
                    f"（{target} {value}）がファイルのそれより前にありません。"
                )
            setattr(obj, field.attname, keys[(target, value)])


def _add_links(obj, m2m_data, keys):
    for name, values in m2m_data.items():
        field = obj._meta.get_field(name)
        through = field.remote_field.through
        target = field.related_model._meta.label_lower
        source_column = f"{field.m2m_field_name()}_id"
        target_column = f"{field.m2m_reverse_field_name()}_id"
        through.objects.bulk_create(
            [
                through(**{source_column: obj.pk, target_column: keys[(target, value)]})
                for value in values
            ]
        )


def _text(path):
    return Path(path).read_text(encoding="utf-8")


def _records(path):
    return json.loads(_text(path))

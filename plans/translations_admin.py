"""The admin's fieldset of a model's translations: 「翻訳（英語・やさしい日本語）」, collapsed.

Mixed into a ModelAdmin or inline before Django's class; ``translated`` names
the Japanese fields that have translations (plans.translated). The other
fields stay where Django puts them, so a field added to the model later shows
up without touching this.
"""

from plans.translated import TRANSLATIONS_FIELDSET, translated_field_names


class TranslationsFieldset:
    translated = ()  # the Japanese fields whose _en and _easy go in the fieldset

    def get_fieldsets(self, request, obj=None):
        names = translated_field_names(*self.translated)
        fieldsets = [
            (title, {**options, "fields": _without(options["fields"], names)})
            for title, options in super().get_fieldsets(request, obj)
        ]
        return [*fieldsets, (TRANSLATIONS_FIELDSET, {"classes": ["collapse"], "fields": names})]


def _without(fields, names):
    kept = []
    for field in fields:
        if isinstance(field, list | tuple):  # fields shown side by side on one line
            field = type(field)(name for name in field if name not in names)
            if field:
                kept.append(field)
        elif field not in names:
            kept.append(field)
    return kept

"""Django's loaddata, counting the status tallies once after every object is in.

Objects loaded from a fixture are saved raw, one by one, before the rows they
refer to may exist; the tallies (actions.tallies) are counted again at the
end, in loaddata's own transaction.
"""

from django.core.management.commands import loaddata

from actions import tallies


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        super().loaddata(fixture_labels)
        if self.loaded_object_count:
            tallies.refresh()

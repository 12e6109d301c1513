"""The staff workflow under one namespace: each feature keeps its routes beside its views.

- actions/status/: 担当の取組, the status form, the change history
- actions/round/: the round (submit, approve, send back, progress, reminders)
- actions/years/: 確定 and 公表
- actions/imports/ (mounted at /imports/ by nakai_dx/urls.py): spreadsheet import and export
- actions/accounts/: first sign-in and the accounts admin
"""

from actions.round import urls as round_urls
from actions.status import urls as status_urls
from actions.years import urls as years_urls

app_name = "actions"
urlpatterns = [*status_urls.urlpatterns, *round_urls.urlpatterns, *years_urls.urlpatterns]

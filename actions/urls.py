"""The staff workflow: recording statuses, locking and publishing years, the audit log."""

app_name = "actions"
urlpatterns = []

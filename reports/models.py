"""No models: the figures are computed from plans and actions (reports.achievement)."""

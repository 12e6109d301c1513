"""The open-data API (/api/v1/): the published data as read-only JSON, on django-ninja.

    main.py        the NinjaAPI: version, docs page, error bodies, rate limit
    endpoints.py   the operations (plans, areas, items, KPIs, years, figures, timeline)
    schemas.py     the documents they answer with (the OpenAPI schema comes from these)
    queries.py     the published data: every read goes through these QuerySets
    conditional.py ETag / Last-Modified from the data versions, and 304
    pagination.py  limit/offset with bounds
    throttling.py  requests per client per period (429 with Retry-After)

Only published evaluation years are served, for any query: statuses, KPI
actuals and figures of other years never leave this package. Figures come from
the one engine through reports.cache, as the dashboard and the open-data CSV do.
"""

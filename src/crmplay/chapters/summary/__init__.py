"""The executive summary chapter: one page built only from the other steps' results records.

Roles: the pure analysis (:mod:`.statuses` which steps ran, :mod:`.headlines`, :mod:`.plan` the
30/60/90-day plan, :mod:`.brief` the :class:`~crmplay.chapters.summary.brief.Summary`),
:mod:`.views` (the page, the plan in words and the results record) and :mod:`.results`
(``SummaryResults``). The chapter takes no options.
"""

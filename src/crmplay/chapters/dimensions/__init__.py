"""The attract / delight / retain chapter: the ten dimensions scored 1-5, ranked, with practices
and KPIs (source: nps_telecom).

Roles: :mod:`.options` (``[steps.dimensions]``), the pure analysis (:mod:`.rules` scoring rules
and name mapping, :mod:`.measures`, :mod:`.importance`, :mod:`.kpis`, :mod:`.scorecard`),
:mod:`.views` (what the notebook shows, and the results record), :mod:`.charts`, :mod:`.library`
(the playbook page's generated blocks) and :mod:`.results` (``DimensionsResults``). The ten
dimensions themselves are defined in :mod:`crmplay.core.frameworks`.
"""

"""Named sources: where each default figure and rule of crmplay comes from.

Code and pages cite a source by its key (``sources.RETENTION_ARTICLE``), never by an internal
number. :func:`cite` gives the plain-words citation a stakeholder page shows, in English or
Persian; ``playbook/SOURCES.md`` lists every source with what crmplay takes from it (a test keeps
the page and this table in step).

Example
-------
>>> cite("retention", "en")
'article on customer retention and loyalty (CRM practice note)'
>>> SOURCES["retention"].key
'retention'
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """One source: a short key, the plain-words title in en and fa, and what crmplay takes from it."""

    key: str
    title: str
    title_fa: str
    takes: str


SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("retention", "article on customer retention and loyalty (CRM practice note)",
           "مقاله‌ی حفظ مشتری و وفاداری (یادداشت کاربردی مدیریت ارتباط با مشتری)",
           "retaining a customer costs about 10% of acquiring one (retention_cost_ratio 0.10); "
           "what retains customers: service, communication, rewards, deeds over words"),
    Source("service_rules", "article on the service behaviours that win satisfaction",
           "مقاله‌ی رفتارهای خدماتی که رضایت مشتری را جلب می‌کنند",
           "the six service behaviours of the needs audit (listen fully, keep promises, adapt, "
           "own mistakes, resolve fast, compensate in proportion) and the opening interview question"),
    Source("switching_costs", "article on switching costs and loyalty programmes",
           "مقاله‌ی هزینه‌ی جابه‌جایی و برنامه‌های وفاداری",
           "the three levers (price by purchase history, loyalty programme, bundled products), "
           "tiers that reward more valuable customers more, the rewards catalogue"),
    Source("crm_aspects", "article on the aspects of CRM",
           "مقاله‌ی جنبه‌های مدیریت ارتباط با مشتری",
           "the seven aspects of CRM audited in the needs chapter"),
    Source("nps_telecom", "article on NPS in mobile and internet services",
           "مقاله‌ی شاخص خالص ترویج‌کنندگان در خدمات تلفن همراه و اینترنت",
           "NPS bands, the telecom and internet figures quoted when a client has none (referrals per "
           "promoter, value of a promoter against a detractor), and the ten attract / delight / "
           "retain dimensions"),
    Source("typical_practice", "typical practice; replace with the client's own figure",
           "رویه‌ی متداول؛ با رقم خود مشتری جایگزین شود",
           "defaults of loyalty programme design (redemption, reward costs, uptake) that no source "
           "above fixes"),
    Source("design_choice", "a design choice of this playbook, to be agreed with the client",
           "انتخاب طراحی این راهنما، برای توافق با مشتری",
           "tier multipliers, review periods, point value and similar programme settings"),
    Source("ask_finance", "not known yet; ask the client's finance team",
           "هنوز معلوم نیست؛ از واحد مالی مشتری بپرسید",
           "fixed programme costs and other figures only the client can give"),
)}


def cite(key: str, lang: str = "en") -> str:
    """The plain-words citation of source ``key`` in ``lang`` (``en`` or ``fa``).

    Raises ``KeyError`` naming the known keys when ``key`` is not a source.
    """
    try:
        source = SOURCES[key]
    except KeyError:
        raise KeyError(f"unknown source {key!r}; known: {', '.join(SOURCES)}") from None
    return source.title_fa if lang == "fa" else source.title


__all__ = ["Source", "SOURCES", "cite"]

"""The playbook's fixed lists, defined once: the seven CRM aspects, the service behaviours and
the ten attract / delight / retain dimensions.

Every other piece (the ``assessment`` table's ``item`` ids, the demo generator, the needs audit,
the dimensions scorecard, the executive summary, the playbook pages) reads these tables; nothing
re-types them. Per dimension this module holds its id, group, wording (en/fa), the keywords that
map a client's own names to it (:func:`match_dimension`), its practices (with the quick win and
the lasting fix the action plan uses) and the KPIs to track. The texts of practices and KPIs are
in the ``dimensions`` catalogue (``dimensions.practice.<dimension>.<practice>``,
``dimensions.kpi.<kpi>.name`` / ``.how``).

Sources: the domain notes (``shared/DOMAIN.md``); the behaviours from ``service_rules``, the
aspects from ``crm_aspects``, the dimensions from ``nps_telecom`` (keys of
:mod:`crmplay.core.sources`).

Examples
--------
>>> get_item("dimensions", "clear_bills").group
'delight'
>>> match_dimension("rating_call_centre".removeprefix("rating_"))
'problem_hero'
>>> match_dimension("Network coverage") is None  # a basic need: the entry ticket, no dimension
True
>>> ITEM_DIMENSIONS["complaints"]
'problem_hero'
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """One scored item of a framework.

    ``id`` is the value the ``assessment`` table carries in its ``item`` column; ``dimension``
    (aspects and behaviours) the attract / delight / retain dimension the item speaks for, or
    ``""`` when it speaks for none.
    """

    id: str
    title_en: str
    title_fa: str
    description_en: str = ""
    group: str = ""  # dimensions only: attract | delight | retain
    dimension: str = ""  # aspects and behaviours: the dimension id the item maps to

    def title(self, lang: str) -> str:
        return self.title_fa if lang == "fa" else self.title_en


@dataclass(frozen=True)
class Dimension(Item):
    """One of the ten dimensions, with what the playbook knows about it.

    ``keywords`` map a client's names (survey attributes, complaint categories, needs) to the
    dimension (see :func:`match_dimension`); ``practices`` are the practice ids of the library;
    ``quick_win`` (a fix that can show results within 30-60 days) and ``lasting_fix`` (the change
    that keeps the dimension healthy) are two of them; ``kpis`` the KPI ids to track (units in
    :data:`KPI_UNITS`).
    """

    keywords: tuple[str, ...] = ()
    practices: tuple[str, ...] = ()
    quick_win: str = ""
    lasting_fix: str = ""
    kpis: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for practice in (self.quick_win, self.lasting_fix):
            if practice not in self.practices:
                raise ValueError(f"dimension {self.id}: {practice!r} is not one of its practices")


#: The seven aspects of CRM scored by the capability audit (source: crm_aspects).
ASPECTS: tuple[Item, ...] = (
    Item("needs", "Customer needs", "نیازهای مشتری",
         "Never assume: interview customers on likes and dislikes to find and prioritise real needs.",
         dimension="discover_value"),
    Item("response", "Customer response", "پاسخ به مشتری",
         "How the organisation reacts to customer queries and activity.", dimension="problem_hero"),
    Item("satisfaction", "Customer satisfaction", "رضایت مشتری",
         "How well needs and responses meet expectations.", dimension="turn_unhappy"),
    Item("loyalty", "Customer loyalty", "وفاداری مشتری",
         "Willingness to keep buying from the supplier; driven mainly by satisfaction.",
         dimension="value_the_valuable"),
    Item("retention", "Customer retention", "حفظ مشتری",
         "The strategic process of keeping current customers from leaving.", dimension="turn_unhappy"),
    Item("complaints", "Customer complaints", "شکایات مشتری",
         "Predefined processes that resolve a complaint in the shortest time.", dimension="problem_hero"),
    Item("service", "Customer service", "خدمات مشتری",
         "Clear, transparent information and service on all products.", dimension="problem_hero"),
)

#: The service behaviours ("customer first" rules) the needs audit checks (source: service_rules).
BEHAVIOURS: tuple[Item, ...] = (
    Item("listen", "Listen fully", "کامل گوش دادن",
         "Involve customers before extending products; ask what keeps them up at night.",
         dimension="discover_value"),
    Item("keep_promises", "Keep promises; be reliable", "عمل به وعده‌ها",
         "Deliver what was promised, then exceed it."),
    Item("adapt", "Adapt to the customer", "انطباق با مشتری",
         "Track changing needs; anticipate needs the customer has not felt yet.", dimension="discover_value"),
    Item("own_mistakes", "Own your mistakes", "پذیرفتن اشتباه",
         "Find the cause quickly; support the customer when the expectation was reasonable.",
         dimension="problem_hero"),
    Item("resolve_fast", "Resolve problems fast", "حل سریع مشکلات",
         "An empowered front line solves problems without a manager's approval.", dimension="problem_hero"),
    Item("compensate", "Compensate in proportion", "جبران متناسب",
         "Credit or discount sized to remove the upset; worth it when cheaper than a new customer.",
         dimension="turn_unhappy"),
)

#: The ten dimensions where a provider wins customers, grouped attract / delight / retain
#: (source: nps_telecom). Practices come from the domain notes (sources retention,
#: service_rules, switching_costs, crm_aspects, nps_telecom). Basic needs (price, network
#: coverage) belong to no dimension on purpose: nps_telecom treats them as the entry ticket.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("discover_value", "Discover what excites customers and create value for them",
              "کشف آنچه مشتری را به هیجان می‌آورد و ایجاد ارزش", group="attract",
              keywords=("alert", "low balance", "notification", "remind", "personalis", "personaliz", "offer",
                        "هشدار", "اعلان", "اطلاع"),
              practices=("low_balance_alerts", "mine_crm_data", "ask_what_keeps_up", "kano_test"),
              quick_win="ask_what_keeps_up", lasting_fix="low_balance_alerts",
              kpis=("survey_rating", "feature_adoption", "attractive_features_live")),
    Dimension("get_talking", "Get customers talking about your strengths, especially on social media",
              "مشتریان از نقاط قوت شما بگویند، به‌ویژه در شبکه‌های اجتماعی", group="attract",
              keywords=("social", "referr", "recommend", "word of mouth", "community",
                        "شبکه های اجتماعی", "معرفی"),
              practices=("invite_promoters", "reward_referrals", "social_listening"),
              quick_win="invite_promoters", lasting_fix="reward_referrals",
              kpis=("referrals_per_customer", "promoter_share", "positive_mentions_share")),
    Dimension("teach_setup", "Teach product use eagerly; make installation and set-up easy",
              "آموزش استفاده از محصول و آسان‌کردن نصب و راه‌اندازی", group="attract",
              keywords=("setup", "set up", "install", "onboard", "activation", "tutorial", "training", "how to",
                        "نصب", "راه اندازی", "آموزش"),
              practices=("easy_setup", "welcome_series", "trained_staff", "first_bill_call"),
              quick_win="first_bill_call", lasting_fix="easy_setup",
              kpis=("survey_rating", "early_contact_share", "days_to_first_use")),
    Dimension("differentiated_experience", "An exciting product experience that sets you apart",
              "تجربه‌ای هیجان‌انگیز که شما را از رقبا متمایز می‌کند", group="delight",
              keywords=("app", "experience", "innovation", "digital", "speed", "اپلیکیشن", "تجربه", "سرعت"),
              practices=("basics_first", "beyond_expectations", "learn_from_leaders"),
              quick_win="beyond_expectations", lasting_fix="basics_first",
              kpis=("survey_rating", "promoter_share", "nps")),
    Dimension("clear_bills", "Clear, accurate bills", "صورتحساب روشن و دقیق", group="delight",
              keywords=("bill", "invoice", "charge", "overcharg", "tariff", "صورتحساب", "صورت حساب", "قبض", "فاکتور"),
              practices=("plain_bill", "fix_error_causes", "bill_shock_alerts", "correct_on_the_call"),
              quick_win="fix_error_causes", lasting_fix="plain_bill",
              kpis=("complaint_rate", "survey_rating", "bill_correction_rate")),
    Dimension("problem_hero", "Be the customer's hero in resolving problems",
              "قهرمان مشتری در حل مشکلات", group="delight",
              keywords=("one number", "single number", "call cent", "callcent", "customer service", "care",
                        "hotline", "helpdesk", "support", "resolution", "resolve", "problem", "complaint",
                        "transfer", "یک شماره", "شماره واحد", "مرکز تماس", "پشتیبانی", "حل مشکل", "انتقال تماس"),
              practices=("one_number", "no_transfers", "empower_front_line", "compensate_in_proportion", "own_mistakes"),
              quick_win="no_transfers", lasting_fix="one_number",
              kpis=("first_contact_resolution", "within_sla", "resolution_hours", "transfers_per_contact",
                    "repeat_30d_rate")),
    Dimension("enjoyable_upgrades", "Enjoyable upgrade, cross-sell, renewal and extension processes",
              "فرایندهای لذت‌بخش ارتقا، فروش متقابل و تمدید", group="delight",
              keywords=("upgrade", "renew", "plan change", "change plan", "cross sell", "extension", "ارتقا", "تمدید"),
              practices=("right_plan", "easy_renewal", "relevant_offers", "service_packages"),
              quick_win="right_plan", lasting_fix="easy_renewal",
              kpis=("survey_rating", "upgrade_conversion", "renewal_rate")),
    Dimension("value_the_valuable", "Valuable customers know they are valued and are rewarded",
              "مشتریان باارزش بدانند چقدر ارزشمندند و پاداش بگیرند", group="retain",
              keywords=("reward", "loyal", "points", "gift", "vip", "recognition", "club",
                        "پاداش", "وفادار", "امتیاز", "هدیه"),
              practices=("customer_club", "occasion_rewards", "history_pricing", "wallet_credit"),
              quick_win="occasion_rewards", lasting_fix="customer_club",
              kpis=("reward_coverage", "top_tier_churn_rate", "survey_rating")),
    Dimension("turn_unhappy", "Find unhappy customers early and change their minds",
              "شناسایی زودهنگام مشتریان ناراضی و تغییر نظر آنان", group="retain",
              keywords=("unhappy", "follow up", "followup", "feedback", "proactive", "ناراضی", "پیگیری", "بازخورد"),
              practices=("close_the_loop", "early_warning", "listen_feedback", "points_at_stake"),
              quick_win="close_the_loop", lasting_fix="early_warning",
              kpis=("detractor_followup", "detractor_churn_ratio", "at_risk_customers")),
    Dimension("win_back", "Win back those who cancel and are worth keeping",
              "بازگرداندن مشتریانی که لغو می‌کنند و ارزش نگه‌داشتن دارند", group="retain",
              keywords=("win back", "winback", "cancel", "churn", "leave", "لغو", "بازگشت"),
              practices=("exit_conversation", "win_back_offer", "tell_what_changed"),
              quick_win="exit_conversation", lasting_fix="win_back_offer",
              kpis=("win_back_rate", "churn_rate")),
)

DIMENSION_GROUPS: tuple[str, ...] = ("attract", "delight", "retain")
DIMENSION_IDS: tuple[str, ...] = tuple(d.id for d in DIMENSIONS)

#: The order :func:`match_dimension` tries the dimensions' keywords in (first match wins): the
#: most specific names first, so that "billing app" is about bills and "call-centre app" about
#: problems.
MATCH_ORDER: tuple[str, ...] = ("clear_bills", "problem_hero", "discover_value", "teach_setup", "get_talking",
                                "enjoyable_upgrades", "value_the_valuable", "turn_unhappy", "win_back",
                                "differentiated_experience")

#: Unit of each KPI (how a report formats it): share 0-1, per100 (per 100 customers a year),
#: hours, ratio (times), score (1-5), count, points (NPS), days, number.
KPI_UNITS: dict[str, str] = {
    "survey_rating": "score", "feature_adoption": "share", "attractive_features_live": "count",
    "referrals_per_customer": "number", "promoter_share": "share", "positive_mentions_share": "share",
    "early_contact_share": "share", "days_to_first_use": "days", "nps": "points",
    "complaint_rate": "per100", "bill_correction_rate": "share",
    "first_contact_resolution": "share", "within_sla": "share", "resolution_hours": "hours", "transfers_per_contact": "number",
    "repeat_30d_rate": "share", "upgrade_conversion": "share", "renewal_rate": "share",
    "reward_coverage": "share", "top_tier_churn_rate": "share", "detractor_followup": "share",
    "detractor_churn_ratio": "ratio", "at_risk_customers": "count", "win_back_rate": "share",
    "churn_rate": "share",
}

#: Practice ids per dimension (text: ``dimensions.practice.<dimension>.<practice>``).
PRACTICES: dict[str, tuple[str, ...]] = {d.id: d.practices for d in DIMENSIONS}
#: The practice to start with per dimension (the action plan's 30/60-day actions).
QUICK_WIN: dict[str, str] = {d.id: d.quick_win for d in DIMENSIONS}
#: The change that keeps each dimension healthy (the action plan's 90-day action).
LASTING_FIX: dict[str, str] = {d.id: d.lasting_fix for d in DIMENSIONS}
#: KPI ids per dimension (text: ``dimensions.kpi.<kpi>.name`` / ``.how``).
KPIS: dict[str, tuple[str, ...]] = {d.id: d.kpis for d in DIMENSIONS}

#: The three frameworks of the ``assessment`` table, by the value of its ``framework`` column.
FRAMEWORKS: dict[str, tuple[Item, ...]] = {
    "aspects": ASPECTS,
    "behaviours": BEHAVIOURS,
    "dimensions": DIMENSIONS,
}

#: Aspect and behaviour ids -> the dimension each speaks for (items that speak for none left out).
ITEM_DIMENSIONS: dict[str, str] = {i.id: i.dimension for i in ASPECTS + BEHAVIOURS if i.dimension}

#: The 1-5 maturity scale used for every assessment score.
MATURITY_LEVELS: dict[int, tuple[str, str]] = {
    1: ("Ad hoc", "موردی"),
    2: ("Repeatable", "تکرارپذیر"),
    3: ("Defined", "تعریف‌شده"),
    4: ("Measured", "سنجیده"),
    5: ("Optimising", "بهینه‌شونده"),
}


def item_ids(framework: str) -> tuple[str, ...]:
    """The item ids of one framework (``aspects``, ``behaviours`` or ``dimensions``)."""
    return tuple(item.id for item in FRAMEWORKS[framework])


def get_item(framework: str, item_id: str) -> Item:
    """Look up one item by id; raises ``KeyError`` naming the known ids."""
    for item in FRAMEWORKS[framework]:
        if item.id == item_id:
            return item
    raise KeyError(f"{item_id!r} is not a {framework} item; known: {', '.join(item_ids(framework))}")


def _plain(text: str) -> str:
    """Lower case, with ``_``, ``-`` and the zero-width non-joiner read as spaces."""
    return re.sub(r"[_\-\u200c]", " ", str(text).lower())


_BY_ID: dict[str, Dimension] = {d.id: d for d in DIMENSIONS}
_PATTERNS: tuple[tuple[str, tuple[re.Pattern[str] | str, ...]], ...] = tuple(
    (did, tuple(re.compile(rf"(?<!\w){re.escape(_plain(w))}(?!\w)") if len(_plain(w)) <= 3 else _plain(w)
                for w in _BY_ID[did].keywords))
    for did in MATCH_ORDER
)


def match_dimension(name: str) -> str | None:
    """The dimension a client's name (survey attribute without its ``rating_`` prefix, complaint
    category, need, feature or interview theme; English or Persian) maps to, or ``None``.

    The name and the keywords are compared in lower case with ``_``, ``-`` and the zero-width
    non-joiner read as spaces; a keyword of three letters or fewer (``app``, ``vip``, ``قبض``)
    must be a whole word, a longer one may be part of a word (``bill`` in ``billing``). The
    dimensions are tried in :data:`MATCH_ORDER`; the first whose keyword matches wins. Aspect and
    behaviour ids are not matched here (see :data:`ITEM_DIMENSIONS`).

    Examples
    --------
    >>> match_dimension("billing"), match_dimension("قبض و صورتحساب"), match_dimension("Easy set-up")
    ('clear_bills', 'clear_bills', 'teach_setup')
    >>> match_dimension("price") is None
    True
    """
    text = " " + _plain(name) + " "
    for did, patterns in _PATTERNS:
        for p in patterns:
            if (p in text) if isinstance(p, str) else p.search(text):
                return did
    return None


__all__ = [
    "Item", "Dimension", "ASPECTS", "BEHAVIOURS", "DIMENSIONS", "DIMENSION_GROUPS", "DIMENSION_IDS", "MATCH_ORDER",
    "KPI_UNITS", "PRACTICES", "QUICK_WIN", "LASTING_FIX", "KPIS", "FRAMEWORKS", "ITEM_DIMENSIONS",
    "MATURITY_LEVELS", "item_ids", "get_item", "match_dimension",
]

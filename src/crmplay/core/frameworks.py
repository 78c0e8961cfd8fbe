"""The playbook's fixed lists, defined once: the seven CRM aspects, the service behaviours and
the ten attract / delight / retain dimensions.

Every other piece (the ``assessment`` table's ``item`` ids, the demo generator, the needs audit,
the dimensions scorecard, the playbook pages) reads these tuples; nothing re-types them.
Sources: the domain notes (``shared/DOMAIN.md``), seeds 001 (behaviours), 003 (aspects) and
004 (dimensions).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """One scored item of a framework.

    ``id`` is the value the ``assessment`` table carries in its ``item`` column.
    """

    id: str
    title_en: str
    title_fa: str
    description_en: str = ""
    group: str = ""  # dimensions only: attract | delight | retain

    def title(self, lang: str) -> str:
        return self.title_fa if lang == "fa" else self.title_en


#: Seed 003: the seven aspects of CRM scored by the capability audit.
ASPECTS: tuple[Item, ...] = (
    Item("needs", "Customer needs", "نیازهای مشتری",
         "Never assume: interview customers on likes and dislikes to find and prioritise real needs."),
    Item("response", "Customer response", "پاسخ به مشتری",
         "How the organisation reacts to customer queries and activity."),
    Item("satisfaction", "Customer satisfaction", "رضایت مشتری",
         "How well needs and responses meet expectations."),
    Item("loyalty", "Customer loyalty", "وفاداری مشتری",
         "Willingness to keep buying from the supplier; driven mainly by satisfaction."),
    Item("retention", "Customer retention", "حفظ مشتری",
         "The strategic process of keeping current customers from leaving."),
    Item("complaints", "Customer complaints", "شکایات مشتری",
         "Predefined processes that resolve a complaint in the shortest time."),
    Item("service", "Customer service", "خدمات مشتری",
         "Clear, transparent information and service on all products."),
)

#: Seed 001: the service behaviours ("customer first" rules) the needs audit checks.
BEHAVIOURS: tuple[Item, ...] = (
    Item("listen", "Listen fully", "کامل گوش دادن",
         "Involve customers before extending products; ask what keeps them up at night."),
    Item("keep_promises", "Keep promises; be reliable", "عمل به وعده‌ها",
         "Deliver what was promised, then exceed it."),
    Item("adapt", "Adapt to the customer", "انطباق با مشتری",
         "Track changing needs; anticipate needs the customer has not felt yet."),
    Item("own_mistakes", "Own your mistakes", "پذیرفتن اشتباه",
         "Find the cause quickly; support the customer when the expectation was reasonable."),
    Item("resolve_fast", "Resolve problems fast", "حل سریع مشکلات",
         "An empowered front line solves problems without a manager's approval."),
    Item("compensate", "Compensate in proportion", "جبران متناسب",
         "Credit or discount sized to remove the upset; worth it when cheaper than a new customer."),
)

#: Seed 004: the ten dimensions where a provider wins customers, grouped attract/delight/retain.
DIMENSIONS: tuple[Item, ...] = (
    Item("discover_value", "Discover what excites customers and create value for them",
         "کشف آنچه مشتری را به هیجان می‌آورد و ایجاد ارزش", group="attract"),
    Item("get_talking", "Get customers talking about your strengths, especially on social media",
         "مشتریان از نقاط قوت شما بگویند، به‌ویژه در شبکه‌های اجتماعی", group="attract"),
    Item("teach_setup", "Teach product use eagerly; make installation and set-up easy",
         "آموزش استفاده از محصول و آسان‌کردن نصب و راه‌اندازی", group="attract"),
    Item("differentiated_experience", "An exciting product experience that sets you apart",
         "تجربه‌ای هیجان‌انگیز که شما را از رقبا متمایز می‌کند", group="delight"),
    Item("clear_bills", "Clear, accurate bills", "صورتحساب روشن و دقیق", group="delight"),
    Item("problem_hero", "Be the customer's hero in resolving problems",
         "قهرمان مشتری در حل مشکلات", group="delight"),
    Item("enjoyable_upgrades", "Enjoyable upgrade, cross-sell, renewal and extension processes",
         "فرایندهای لذت‌بخش ارتقا، فروش متقابل و تمدید", group="delight"),
    Item("value_the_valuable", "Valuable customers know they are valued and are rewarded",
         "مشتریان باارزش بدانند چقدر ارزشمندند و پاداش بگیرند", group="retain"),
    Item("turn_unhappy", "Find unhappy customers early and change their minds",
         "شناسایی زودهنگام مشتریان ناراضی و تغییر نظر آنان", group="retain"),
    Item("win_back", "Win back those who cancel and are worth keeping",
         "بازگرداندن مشتریانی که لغو می‌کنند و ارزش نگه‌داشتن دارند", group="retain"),
)

DIMENSION_GROUPS: tuple[str, ...] = ("attract", "delight", "retain")

#: The three frameworks of the ``assessment`` table, by the value of its ``framework`` column.
FRAMEWORKS: dict[str, tuple[Item, ...]] = {
    "aspects": ASPECTS,
    "behaviours": BEHAVIOURS,
    "dimensions": DIMENSIONS,
}

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

"""The demo's consulting data: needs survey, Kano survey, interview log and the consultant's
assessment. These do not scale with the customer count (a consultant surveys a few hundred
people whatever the size of the client).

Each function returns plain numpy arrays of codes; :mod:`.tables` labels them per language.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import crmplay.core.frameworks as frameworks
from crmplay.demo.model import stream
from crmplay.demo.phrases import KANO_FEATURES, NEEDS

# --------------------------------------------------------------------------------------------
# Importance-performance survey. Means on the 1-5 scale before rounding; order of phrases.NEEDS.
# Planted (Martilla & James quadrants with crosshairs at the data means):
#   clear bills, one number for every problem, low-balance alerts: Concentrate Here;
#   network coverage, price, internet speed: Keep Up the Good Work;
#   store decor, friendly store staff, easy top-up: Possible Overkill;
#   mobile app, rewards club: Low Priority.

NEED_IMPORTANCE = np.array([4.8, 4.6, 4.6, 4.5, 4.4, 4.2, 2.9, 3.2, 2.7, 2.9, 1.9])
NEED_PERFORMANCE = np.array([3.9, 3.6, 2.3, 2.2, 2.4, 3.7, 3.9, 4.0, 3.0, 2.6, 4.3])
#: Weight of each need's performance in the respondent's overall satisfaction (derived
#: importance): the planted Concentrate Here needs matter, store decor not at all.
NEED_WEIGHT = np.array([0.30, 0.20, 0.35, 0.30, 0.25, 0.15, 0.05, 0.05, 0.03, 0.05, 0.0])
assert len(NEED_IMPORTANCE) == len(NEEDS) == len(NEED_PERFORMANCE) == len(NEED_WEIGHT)


@dataclass
class NeedsSurvey:
    respondent: np.ndarray  # 0-based respondent number
    need: np.ndarray  # index into phrases.NEEDS
    importance: np.ndarray
    performance: np.ndarray
    overall: np.ndarray

    def __len__(self) -> int:
        return len(self.respondent)


def build_needs(seed: int, respondents: int = 300) -> NeedsSurvey:
    """Draw the needs survey: every respondent rates (almost) every need, 1-5."""
    rng = stream(seed, "needs")
    k = len(NEEDS)
    bias = rng.normal(0.0, 0.35, (respondents, 1))
    halo = rng.normal(0.0, 0.4, (respondents, 1))
    imp = np.clip(np.rint(NEED_IMPORTANCE + bias + rng.normal(0.0, 0.6, (respondents, k))), 1, 5)
    perf_latent = NEED_PERFORMANCE + halo + rng.normal(0.0, 0.7, (respondents, k))
    perf = np.clip(np.rint(perf_latent), 1, 5)
    overall_latent = (3.0 + (perf_latent - NEED_PERFORMANCE) @ NEED_WEIGHT + 0.25 * halo[:, 0]
                      + rng.normal(0.0, 0.45, respondents))
    overall = np.clip(np.rint(overall_latent), 1, 5)
    answered = rng.random((respondents, k)) >= 0.02  # a few skipped questions
    resp, need = np.nonzero(answered)
    return NeedsSurvey(respondent=resp, need=need, importance=imp[resp, need].astype(np.int64),
                       performance=perf[resp, need].astype(np.int64),
                       overall=overall[resp].astype(np.int64))


# --------------------------------------------------------------------------------------------
# Kano survey. Category mix per feature, order of phrases.KANO_FEATURES; columns A O M I R Q.
# Planted: network coverage Must-be; clear bill and one number One-dimensional; low-balance
# alerts and birthday gift Attractive; store decor, monthly newsletter, app dark mode Indifferent.

KANO_CODES = ("A", "O", "M", "I", "R", "Q")
KANO_MIX = np.array([
    [0.05, 0.20, 0.58, 0.13, 0.02, 0.02],  # network coverage
    [0.10, 0.46, 0.26, 0.14, 0.02, 0.02],  # clear bill
    [0.50, 0.17, 0.07, 0.22, 0.02, 0.02],  # low-balance alerts
    [0.22, 0.42, 0.16, 0.16, 0.02, 0.02],  # one number for every problem
    [0.45, 0.08, 0.02, 0.33, 0.10, 0.02],  # birthday gift
    [0.12, 0.04, 0.04, 0.62, 0.16, 0.02],  # store decor
    [0.10, 0.03, 0.03, 0.55, 0.25, 0.04],  # monthly newsletter
    [0.25, 0.05, 0.02, 0.60, 0.06, 0.02],  # app dark mode
])
assert KANO_MIX.shape == (len(KANO_FEATURES), 6) and np.allclose(KANO_MIX.sum(axis=1), 1.0)


@dataclass
class KanoSurvey:
    respondent: np.ndarray
    feature: np.ndarray  # index into phrases.KANO_FEATURES
    functional: np.ndarray  # answer code 1-5 (like, must-be, neutral, live-with, dislike)
    dysfunctional: np.ndarray
    category: np.ndarray  # the category drawn (index into KANO_CODES), for tests
    version: np.ndarray  # per row: 0 English words, 1 Persian words, 2 codes
    pick: np.ndarray  # (rows, 3) uniform draws for the spelling of each answer

    def __len__(self) -> int:
        return len(self.respondent)


def build_kano(seed: int, respondents: int = 150) -> KanoSurvey:
    """Draw Kano answer pairs that map (Berger et al. 1993 table) to each feature's category."""
    rng = stream(seed, "kano")
    k = len(KANO_FEATURES)
    resp = np.repeat(np.arange(respondents), k)
    feat = np.tile(np.arange(k), respondents)
    rows = len(resp)
    u = rng.random(rows)
    category = (u[:, None] > np.cumsum(KANO_MIX[feat], axis=1)).sum(axis=1)
    category = np.minimum(category, 5)
    mid = rng.integers(2, 5, size=(rows, 2))  # must-be / neutral / live-with
    func = np.empty(rows, dtype=np.int64)
    dysf = np.empty(rows, dtype=np.int64)
    flip = rng.random(rows) < 0.5
    cases = {
        0: (np.full(rows, 1), mid[:, 1]),  # A: like / (must-be, neutral, live-with)
        1: (np.full(rows, 1), np.full(rows, 5)),  # O: like / dislike
        2: (mid[:, 0], np.full(rows, 5)),  # M: (must-be, neutral, live-with) / dislike
        3: (mid[:, 0], mid[:, 1]),  # I
        4: (np.where(flip, 5, mid[:, 0]), np.where(flip, mid[:, 1], 1)),  # R: reversed answers
        5: (np.where(flip, 1, 5), np.where(flip, 1, 5)),  # Q: like/like or dislike/dislike
    }
    for code, (f, d) in cases.items():
        sel = category == code
        func[sel], dysf[sel] = f[sel], d[sel]
    version_by_resp = rng.choice(3, size=respondents, p=[0.4, 0.35, 0.25])
    return KanoSurvey(respondent=resp, feature=feat, functional=func, dysfunctional=dysf,
                      category=category, version=version_by_resp[resp], pick=rng.random((rows, 3)))


# --------------------------------------------------------------------------------------------
# Interviews: coded likes and dislikes. Themes are phrases.BANK keys.

INTERVIEW_THEMES = ("billing", "call_centre", "network", "alerts", "price", "app", "store", "rewards", "onboarding")
DISLIKE_MIX = np.array([0.26, 0.22, 0.13, 0.12, 0.10, 0.06, 0.05, 0.04, 0.02])
LIKE_MIX = np.array([0.05, 0.05, 0.25, 0.05, 0.12, 0.15, 0.20, 0.05, 0.08])


@dataclass
class Interviews:
    respondent: np.ndarray
    day_offset: np.ndarray  # days before the window's end the interview took place
    theme: np.ndarray  # index into INTERVIEW_THEMES
    like: np.ndarray  # bool
    persian: np.ndarray  # bool (per respondent)
    pick: np.ndarray  # (rows, 2) uniform draws for the sentence and its opener
    pii: np.ndarray  # bool: the statement carries the interviewee's contact details

    def __len__(self) -> int:
        return len(self.respondent)


def build_interviews(seed: int, persian_share: float, respondents: int = 40) -> Interviews:
    """Draw ~40 interviews of 3-7 coded statements each; dislikes about bills and the call centre lead."""
    rng = stream(seed, "interviews")
    counts = rng.integers(3, 8, size=respondents)
    resp = np.repeat(np.arange(respondents), counts)
    rows = len(resp)
    like = rng.random(rows) < 0.4
    theme = np.where(like, rng.choice(len(INTERVIEW_THEMES), size=rows, p=LIKE_MIX),
                     rng.choice(len(INTERVIEW_THEMES), size=rows, p=DISLIKE_MIX))
    persian = (rng.random(respondents) < persian_share)[resp]
    offset = rng.integers(5, 45, size=respondents)[resp]
    pii = np.zeros(rows, dtype=bool)
    pii[rng.choice(rows, size=min(3, rows), replace=False)] = True
    return Interviews(respondent=resp, day_offset=offset, theme=theme, like=like, persian=persian,
                      pick=rng.random((rows, 2)), pii=pii)


# --------------------------------------------------------------------------------------------
# The consultant's assessment. Scores 1-5 with target 4; items not listed score 3.
# Planted: aspects complaints (1) and retention (2) lowest; behaviours resolve_fast lowest;
# dimensions clear_bills, problem_hero and turn_unhappy lowest (1).

ASSESSMENT_SCORES: dict[str, dict[str, int]] = {
    "aspects": {"needs": 3, "response": 3, "satisfaction": 3, "loyalty": 3, "retention": 2,
                "complaints": 1, "service": 3},
    "behaviours": {"listen": 3, "keep_promises": 2, "adapt": 3, "own_mistakes": 2, "resolve_fast": 1,
                   "compensate": 2},
    "dimensions": {"discover_value": 2, "get_talking": 3, "teach_setup": 3, "differentiated_experience": 3,
                   "clear_bills": 1, "problem_hero": 1, "enjoyable_upgrades": 3, "value_the_valuable": 2,
                   "turn_unhappy": 1, "win_back": 2},
}
ASSESSMENT_TARGET = 4

#: Evidence notes (English, Persian) for each scored item.
EVIDENCE: dict[str, tuple[str, str]] = {
    "needs": ("Annual survey exists; no interviews with customers before launching products.",
              "نظرسنجی سالانه وجود دارد؛ پیش از عرضه محصول با مشتری مصاحبه نمی‌شود."),
    "response": ("Queries answered, but each channel gives a different answer.",
                 "به پرسش‌ها پاسخ داده می‌شود اما هر کانال پاسخ متفاوتی می‌دهد."),
    "satisfaction": ("NPS measured quarterly; results not shared with front-line staff.",
                     "NPS فصلی سنجیده می‌شود اما نتایج با کارکنان خط مقدم به اشتراک گذاشته نمی‌شود."),
    "loyalty": ("A points scheme exists but few customers know about it.",
                "طرح امتیاز وجود دارد اما کمتر مشتری از آن خبر دارد."),
    "retention": ("No churn early-warning; cancellations are processed, not challenged.",
                  "هشدار زودهنگام ریزش وجود ندارد؛ لغو اشتراک فقط ثبت می‌شود."),
    "complaints": ("No complaint SLA; tickets bounce between teams; no root-cause review.",
                   "برای شکایات SLA تعریف نشده؛ تیکت‌ها بین تیم‌ها دست‌به‌دست می‌شود."),
    "service": ("Product information is clear in stores, unclear on the bill.",
                "اطلاعات محصول در فروشگاه روشن است اما روی قبض مبهم است."),
    "listen": ("Product team asks sales, not customers.", "تیم محصول از فروش می‌پرسد، نه از مشتری."),
    "keep_promises": ("Installation dates missed for a quarter of home-internet orders.",
                      "تاریخ نصب برای یک‌چهارم سفارش‌های اینترنت خانگی رعایت نشده."),
    "adapt": ("Plans reviewed yearly; usage changes not tracked per customer.",
              "طرح‌ها سالی یک بار بازبینی می‌شود؛ تغییر مصرف هر مشتری پیگیری نمی‌شود."),
    "own_mistakes": ("Billing incident acknowledged three weeks late.",
                     "اشکال صورتحساب سه هفته دیر پذیرفته شد."),
    "resolve_fast": ("Agents need a supervisor's approval for any credit; callers are transferred.",
                     "کارشناس برای هر اعتبار به تأیید سرپرست نیاز دارد؛ تماس‌ها ارجاع داده می‌شود."),
    "compensate": ("Compensation ad hoc: same credit for every case.",
                   "جبران خسارت موردی است: برای همه موارد یک مبلغ."),
    "discover_value": ("No low-balance alerts although customers ask for them.",
                       "با وجود درخواست مشتریان، هشدار کمبود اعتبار وجود ندارد."),
    "get_talking": ("Social media used for ads only.", "شبکه‌های اجتماعی فقط برای تبلیغ استفاده می‌شود."),
    "teach_setup": ("Modem set-up guide exists; SIM activation unclear.",
                    "راهنمای نصب مودم هست؛ فعال‌سازی سیم‌کارت مبهم است."),
    "differentiated_experience": ("Network quality on par with competitors.",
                                  "کیفیت شبکه هم‌سطح رقباست."),
    "clear_bills": ("Bills list codes, not services; billing incident after the system migration.",
                    "قبض به جای خدمات کد نشان می‌دهد؛ پس از مهاجرت سیستم، صورتحساب‌ها اشتباه صادر شد."),
    "problem_hero": ("Five different numbers for support; frequent transfers.",
                     "پنج شماره متفاوت برای پشتیبانی؛ ارجاع مکرر تماس."),
    "enjoyable_upgrades": ("Upgrades possible in the app.", "ارتقا در اپلیکیشن ممکن است."),
    "value_the_valuable": ("Long-tenure customers get nothing new customers do not.",
                           "مشتریان قدیمی امتیازی بیش از مشتریان جدید ندارند."),
    "turn_unhappy": ("Detractors are not followed up; no at-risk list.",
                     "با ناراضیان تماس گرفته نمی‌شود؛ فهرست مشتریان در معرض ریزش وجود ندارد."),
    "win_back": ("Occasional win-back SMS, not targeted by value.",
                 "پیامک بازگشت گاه‌به‌گاه، بدون هدف‌گیری بر اساس ارزش."),
}
DEFAULT_EVIDENCE = ("Not assessed in detail.", "به‌تفصیل ارزیابی نشده است.")


def assessment_rows() -> list[tuple[str, str, int, int, tuple[str, str]]]:
    """(framework, item id, score, target, (evidence en, evidence fa)) for every framework item.

    Item ids come from :mod:`crmplay.core.frameworks`, in its order; an item the demo does not
    plant scores 3.
    """
    rows = []
    for framework, items in frameworks.FRAMEWORKS.items():
        planted = ASSESSMENT_SCORES.get(framework, {})
        for item in items:
            rows.append((framework, item.id, planted.get(item.id, 3), ASSESSMENT_TARGET,
                         EVIDENCE.get(item.id, DEFAULT_EVIDENCE)))
    return rows

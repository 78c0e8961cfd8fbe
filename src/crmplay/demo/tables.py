"""The demo's tables as the client exports them: personal data, then one function per table
returning ``{client header: column}`` (or an openpyxl workbook), labelled per language.

Large columns are pyarrow (dictionary) arrays so a million customers format in seconds; the
value formatting and file writing live in :mod:`.writer`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook

import crmplay.demo.phrases as P
from crmplay.demo.model import Calendar, Complaints, Population, Responses, Transactions, stream
from crmplay.demo.surveys import INTERVIEW_THEMES, Interviews, KanoSurvey, NeedsSurvey, assessment_rows
from crmplay.demo.writer import (LAYOUTS, append_rows, as_text, date_text, format_dates, format_ints, format_timestamps, headers,
                     ids, index_array, labels_of, optional_ints, refer, with_variants)


# --------------------------------------------------------------------------------------------
# People


@dataclass
class People:
    """Personal data per customer (pyarrow string arrays)."""

    name_en: pa.Array
    name_fa: pa.Array
    email: pa.Array
    phone: pa.Array

    def pick(self, field_name: str, i: int) -> str:
        return getattr(self, field_name)[int(i)].as_py()


def build_people(n: int, seed: int, persian_digit_share: float) -> People:
    """Names (English transliteration and Persian), emails at reserved domains, mobile numbers."""
    rng = stream(seed, "people")
    first = rng.integers(0, len(P.FIRST_NAMES), n)
    last = rng.integers(0, len(P.LAST_NAMES), n)
    join = pc.binary_join_element_wise

    def text_of(labels, codes):
        return as_text(labels_of(labels, codes))

    name_en = join(text_of([f[0] for f in P.FIRST_NAMES], first), text_of([x[0] for x in P.LAST_NAMES], last), " ")
    name_fa = join(text_of([f[1] for f in P.FIRST_NAMES], first), text_of([x[1] for x in P.LAST_NAMES], last), " ")
    number = pc.cast(pa.array(rng.integers(1, 1000, n)), pa.string())
    domain = text_of(P.EMAIL_DOMAINS, rng.integers(0, len(P.EMAIL_DOMAINS), n))
    email = join(text_of([f[0].lower() for f in P.FIRST_NAMES], first), ".",
                 text_of([x[0].lower() for x in P.LAST_NAMES], last), number, "@", domain, "")
    prefixes = ("912", "935", "919", "901", "990", "936")
    prefix = text_of(prefixes, rng.integers(0, len(prefixes), n))
    mid = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 1000, n)), pa.string()), width=3, padding="0")
    end = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 10000, n)), pa.string()), width=4, padding="0")
    style = rng.random(n)
    spaced = join("0", prefix, " ", mid, " ", end, "")
    solid = join("0", prefix, mid, end, "")
    intl = join("+98 ", prefix, " ", mid, " ", end, "")
    phone = pc.if_else(pa.array(style < 0.7), spaced, pc.if_else(pa.array(style < 0.9), solid, intl))
    persian = rng.random(n) < persian_digit_share
    if persian.any():
        as_persian = phone
        for latin, local in zip("0123456789", "۰۱۲۳۴۵۶۷۸۹"):
            as_persian = pc.replace_substring(as_persian, latin, local)
        phone = pc.if_else(pa.array(persian), as_persian, phone)
    return People(name_en=name_en, name_fa=name_fa, email=email, phone=phone)


# --------------------------------------------------------------------------------------------
# Tables


def customers_columns(pop: Population, people: People, cust_ids: pa.Array, lang: str, seed: int) -> dict:
    fmt = LAYOUTS[lang]["customers"]
    rng = stream(seed, "customers-file")
    if lang == "fa":
        plan = with_variants([p[2] for p in P.PLANS], pop.plan, rng, 0.03)
        region = with_variants([r[1] for r in P.REGIONS], pop.region, rng, 0.03)
        name = people.name_fa
    else:
        plan = labels_of([p[0] for p in P.PLANS], pop.plan)
        region = labels_of([r[0] for r in P.REGIONS], pop.region)
        name = people.name_en
    values = {
        "customer_id": cust_ids,
        "name": name,
        "email": people.email,
        "phone": people.phone,
        "plan": plan,
        "region": region,
        "signup_date": format_dates(pop.signup, fmt),
        "status": labels_of(P.STATUS[lang], pop.churned.astype(np.int64)),
        "churn_date": format_dates(np.where(pop.churned, pop.churn_day, 0), fmt, missing=~pop.churned),
        "referrals": format_ints(pop.referrals, fmt),
    }
    return {h: values[c] for h, c in headers("customers", lang)}


def transactions_columns(tx: Transactions, cust_ids: pa.Array, lang: str) -> dict:
    fmt = LAYOUTS[lang]["transactions"]
    if fmt.dates == "iso" and not fmt.persian_digits:
        date = pa.array(tx.day.astype(np.int32), type=pa.date32())
    else:
        date = format_dates(tx.day, fmt)
    values = {
        "customer_id": refer(cust_ids, tx.customer),
        "date": date,
        "amount": pa.array(tx.amount),
        "type": labels_of([t[1] if lang == "fa" else t[0] for t in P.TRANSACTION_TYPES], tx.kind),
    }
    return {h: values[c] for h, c in headers("transactions", lang)}


def _comment_texts(rs: Responses, pop: Population, people: People) -> np.ndarray:
    r = len(rs)
    out = np.full(r, None, dtype=object)
    tone_key = np.array(["neg", "pos", "mid"], dtype=object)[rs.tone]
    lang = np.where(rs.persian, "fa", "en").astype(object)
    theme_names = np.array(list(P.ATTRIBUTES) + ["general"], dtype=object)[rs.theme]  # -1 -> general
    combos = sorted({(t, k, lg) for t, k, lg in zip(theme_names[rs.has_comment], tone_key[rs.has_comment],
                                                     lang[rs.has_comment])})
    for theme, tone, lg in combos:
        sel = np.flatnonzero(rs.has_comment & (theme_names == theme) & (tone_key == tone) & (lang == lg))
        bank = P.BANK[theme][tone if tone in P.BANK[theme] else "neg"][lg]
        out[sel] = np.array(bank, dtype=object)[np.floor(rs.pick[sel, 0] * len(bank)).astype(np.int64)]
        second = sel[rs.second[sel]]
        if len(second):
            gbank = P.BANK["general"][tone][lg]
            g = np.floor(rs.pick[second, 1] * len(gbank)).astype(np.int64)
            if theme == "general":  # never the same sentence twice: skip past the first one
                first = np.floor(rs.pick[second, 0] * len(bank)).astype(np.int64)
                g = (first + 1 + np.floor(rs.pick[second, 1] * (len(gbank) - 1)).astype(np.int64)) % len(gbank)
            out[second] = out[second] + " " + np.array(gbank, dtype=object)[g]
    for i in np.flatnonzero(rs.pii):
        lg = lang[i]
        bank = P.PII_SENTENCES[lg]
        c = rs.customer[i]
        template = bank[int(rs.pick[i, 2] * len(bank))]
        name = people.pick("name_fa" if lg == "fa" else "name_en", c)
        out[i] = out[i] + " " + template.format(name=name, phone=people.pick("phone", c),
                                                email=people.pick("email", c))
    return out


def responses_columns(rs: Responses, pop: Population, people: People, cust_ids: pa.Array, lang: str,
                      seed: int) -> dict:
    fmt = LAYOUTS[lang]["nps_responses"]
    rng = stream(seed, "responses-file")
    c = rs.customer
    if lang == "fa":
        plan = with_variants([p[2] for p in P.PLANS], pop.plan[c], rng, 0.03)
        region = with_variants([x[1] for x in P.REGIONS], pop.region[c], rng, 0.03)
    else:
        plan = labels_of([p[0] for p in P.PLANS], pop.plan[c])
        region = labels_of([x[0] for x in P.REGIONS], pop.region[c])
    width = max(5, len(str(len(rs))))
    values: dict[str, Any] = {
        "response_id": ids("R", len(rs), width),
        "customer_id": refer(cust_ids, c),
        "date": format_dates(rs.day, fmt),
        "score": format_ints(rs.score, fmt),
        "comment": pa.array(_comment_texts(rs, pop, people), type=pa.string()),
        "touchpoint": labels_of(P.TOUCHPOINTS, rs.touchpoint),
        "plan": plan,
        "region": region,
    }
    for j, a in enumerate(P.ATTRIBUTES):
        values[f"rating_{a}"] = optional_ints(rs.ratings[:, j])
    return {h: values[cn] for h, cn in headers("nps_responses", lang)}


def complaints_columns(comp: Complaints, cust_ids: pa.Array, lang: str, seed: int) -> dict:
    fmt = LAYOUTS[lang]["complaints"]
    rng = stream(seed, "complaints-file")
    k = len(comp)
    if lang == "fa":
        category = with_variants([x[1] for x in P.COMPLAINT_CATEGORIES], comp.category, rng, 0.05)
    else:
        category = labels_of([x[0] for x in P.COMPLAINT_CATEGORIES], comp.category)
    channel = with_variants(P.CHANNELS, comp.channel, rng, 0.05)
    open_ = comp.resolved < 0
    values = {
        "complaint_id": ids("T-", k, max(6, len(str(k)))),
        "customer_id": refer(cust_ids, comp.customer),
        "opened_at": format_timestamps(comp.opened, fmt),
        "resolved_at": format_timestamps(np.where(open_, 0, comp.resolved), fmt, missing=open_),
        "category": category,
        "channel": channel,
        "transfers": format_ints(comp.transfers, fmt),
        "escalated": labels_of(P.YES_NO, ~comp.escalated),
        "resolved_first_contact": labels_of(P.YES_NO, ~comp.first_contact),
        "compensation": format_ints(comp.compensation, fmt, thousands=True),
    }
    return {h: values[c] for h, c in headers("complaints", lang)}


def kano_columns(kano: KanoSurvey, lang: str) -> dict:
    col = 2 if lang == "fa" else 1
    feature = np.array([f[col] for f in P.KANO_FEATURES], dtype=object)[kano.feature]
    answers = []
    for codes, pick in ((kano.functional, kano.pick[:, 0]), (kano.dysfunctional, kano.pick[:, 1])):
        out = codes.astype(str).astype(object)  # version 2: the bare code
        for version, bank in ((0, P.KANO_WORDS_EN), (1, P.KANO_WORDS_FA)):
            sel = np.flatnonzero(kano.version == version)
            words = [bank[codes[i] - 1][int(pick[i] * len(bank[codes[i] - 1]))] for i in sel]
            out[sel] = words
        fa_rows = np.flatnonzero((kano.version == 1) & (kano.pick[:, 2] < 0.15))
        out[fa_rows] = [P.arabic_variant(v) for v in out[fa_rows]]
        answers.append(out)
    values = {
        "respondent_id": ids("K", int(kano.respondent.max()) + 1, 3).take(index_array(kano.respondent)),
        "feature": feature,
        "functional": answers[0],
        "dysfunctional": answers[1],
    }
    return {h: values[c] for h, c in headers("kano_responses", lang)}


def interview_columns(iv: Interviews, cal: Calendar, people: People, lang: str) -> dict:
    fmt = LAYOUTS[lang]["interviews"]
    statements = np.empty(len(iv), dtype=object)
    for i in range(len(iv)):  # ~200 rows: a loop keeps the sentence assembly readable
        lg = "fa" if iv.persian[i] else "en"
        tone = "pos" if iv.like[i] else "neg"
        bank = P.BANK[INTERVIEW_THEMES[iv.theme[i]]][tone][lg]
        prefixes = P.INTERVIEW_PREFIX[tone][lg]
        sentence = bank[int(iv.pick[i, 0] * len(bank))]
        prefix = prefixes[int(iv.pick[i, 1] * len(prefixes))]
        if prefix and lg == "en":
            sentence = sentence[0].lower() + sentence[1:] if not sentence.startswith("I ") else sentence
        text = prefix + sentence
        if iv.pii[i]:
            who = int(iv.respondent[i]) % len(people.phone)
            name = people.pick("name_fa" if lg == "fa" else "name_en", who)
            pii = P.PII_SENTENCES[lg][2].format(name=name, phone=people.pick("phone", who),
                                                email=people.pick("email", who))
            text = text + " " + pii
        statements[i] = text
    polarity = labels_of(P.POLARITY[lang], ~iv.like)
    values = {
        "respondent_id": ids("I", int(iv.respondent.max()) + 1, 2).take(index_array(iv.respondent)),
        "interview_date": format_dates(cal.end - iv.day_offset, fmt),
        "statement": statements,
        "polarity": polarity,
        "theme": np.array(INTERVIEW_THEMES, dtype=object)[iv.theme],
    }
    return {h: values[c] for h, c in headers("interviews", lang)}


def needs_workbook(needs: NeedsSurvey, cal: Calendar, lang: str) -> Workbook:
    fmt = LAYOUTS[lang]["needs_ratings"]
    col = 2 if lang == "fa" else 1
    wb = Workbook()
    ws = wb.active
    ws.title = fmt.sheet
    title_day = date_text(cal.end, "jalali" if lang == "fa" else "iso")
    ws.append([("نظرسنجی نیازهای مشتری، خروجی " if lang == "fa" else "Customer needs survey, export of ") + title_day])
    values = {
        "respondent_id": ids("P", int(needs.respondent.max()) + 1, 3).take(index_array(needs.respondent)).to_pylist(),
        "need": [P.NEEDS[i][col] for i in needs.need],
        "importance": needs.importance.tolist(),
        "performance": needs.performance.tolist(),
        "overall_satisfaction": needs.overall.tolist(),
    }
    hdr = headers("needs_ratings", lang)
    append_rows(ws, [h for h, _ in hdr], [values[c] for _, c in hdr])
    return wb


def assessment_workbook(lang: str) -> Workbook:
    fmt = LAYOUTS[lang]["assessment"]
    wb = Workbook()
    readme = wb.active
    readme.title = "اطلاعات" if lang == "fa" else "Read me"
    if lang == "fa":
        readme.append(["ارزیابی مشاور: امتیاز بلوغ ۱ تا ۵ برای هر جنبه، رفتار و بُعد."])
        readme.append(["امتیازها در برگه «امتیازها» است."])
    else:
        readme.append(["Consultant's assessment: 1-5 maturity per CRM aspect, service behaviour and dimension."])
        readme.append(["Scores are on the 'Scores' sheet."])
    ws = wb.create_sheet(fmt.sheet)
    rows = assessment_rows()
    values = {
        "framework": [r[0] for r in rows],
        "item": [r[1] for r in rows],
        "score": [r[2] for r in rows],
        "target": [r[3] for r in rows],
        "evidence": [r[4][1] if lang == "fa" else r[4][0] for r in rows],
    }
    hdr = headers("assessment", lang)
    append_rows(ws, [h for h, _ in hdr], [values[c] for _, c in hdr])
    return wb

"""Word banks of the demo clients: labels, names and customer verbatims in English and Persian.

Everything a demo file shows as text comes from here, so the generator's logic
(:mod:`crmplay.demo.model`) never holds a sentence. Lists are indexed by the generator with
``floor(u * len(bank))`` for a uniform draw ``u``, so a bank can grow without changing how the
other tables are drawn. Persian text uses Persian ye/kaf (ی/ک); :data:`ARABIC_VARIANTS` gives the
Arabic-letter spellings the generator mixes into a few values, as old Windows exports do.
"""
from __future__ import annotations

# --------------------------------------------------------------------------------------------
# Segments and codes. Index order is the generator's code order: never reorder, only append.

#: (code, English, Persian) of the four plans; the code is what the English demo writes.
PLANS: tuple[tuple[str, str, str], ...] = (
    ("mobile-prepaid", "Mobile prepaid", "همراه اعتباری"),
    ("mobile-postpaid", "Mobile postpaid", "همراه دائمی"),
    ("home-internet", "Home internet", "اینترنت خانگی"),
    ("bundle", "Mobile + home bundle", "بسته ترکیبی"),
)

#: (English, Persian) of the seven sales regions.
REGIONS: tuple[tuple[str, str], ...] = (
    ("Tehran", "تهران"),
    ("Isfahan", "اصفهان"),
    ("Khorasan Razavi", "خراسان رضوی"),
    ("Fars", "فارس"),
    ("East Azarbaijan", "آذربایجان شرقی"),
    ("Khuzestan", "خوزستان"),
    ("Gilan", "گیلان"),
)

#: Survey attributes (the ``rating_*`` columns), in the generator's order.
ATTRIBUTES: tuple[str, ...] = (
    "network", "price", "billing", "call_centre", "onboarding", "app", "alerts", "rewards",
)

#: Column header of each attribute rating in the client's own survey export.
ATTRIBUTE_HEADERS: dict[str, tuple[str, str]] = {
    "network": ("Rating - Network coverage", "امتیاز پوشش شبکه"),
    "price": ("Rating - Price", "امتیاز قیمت"),
    "billing": ("Rating - Clear, accurate bills", "امتیاز صورتحساب روشن و دقیق"),
    "call_centre": ("Rating - Call centre solves my problem", "امتیاز حل مشکل در مرکز تماس"),
    "onboarding": ("Rating - Easy set-up", "امتیاز راه‌اندازی آسان"),
    "app": ("Rating - Mobile app", "امتیاز اپلیکیشن"),
    "alerts": ("Rating - Low-balance alerts", "امتیاز هشدار کمبود اعتبار"),
    "rewards": ("Rating - Rewards for loyal customers", "امتیاز پاداش مشتریان وفادار"),
}

#: Survey touchpoints: the relationship survey and three transactional surveys (codes, as the
#: survey tool exports them in both demo clients).
TOUCHPOINTS: tuple[str, ...] = ("relationship", "call_centre", "store", "app")

#: Complaint categories: (code written by the English demo, Persian label of the Persian demo).
COMPLAINT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("billing", "صورتحساب"),
    ("network", "شبکه"),
    ("call_centre", "مرکز تماس"),
    ("store", "فروشگاه"),
    ("app", "اپلیکیشن"),
    ("other", "سایر"),
)

#: Complaint channels as the (Persian) CRM writes them, in both demo clients.
CHANNELS: tuple[str, ...] = ("مرکز تماس", "فروشگاه", "اپلیکیشن", "وب‌سایت", "شبکه‌های اجتماعی")

#: Transaction types: (English, Persian) for bill, top-up, add-on, refund.
TRANSACTION_TYPES: tuple[tuple[str, str], ...] = (
    ("Bill", "قبض"),
    ("Top-up", "شارژ"),
    ("Add-on", "بسته اضافه"),
    ("Refund", "برگشت وجه"),
)

#: Customer status as each client's system writes it (both are accepted spellings).
STATUS: dict[str, tuple[str, str]] = {"en": ("Active", "Churned"), "fa": ("فعال", "لغو شده")}

#: Interview polarity labels (like, dislike) per client language.
POLARITY: dict[str, tuple[str, str]] = {"en": ("Like", "Dislike"), "fa": ("مثبت", "منفی")}

#: Complaint flags (yes, no) as the Persian CRM writes them.
YES_NO: tuple[str, str] = ("بله", "خیر")


def arabic_variant(text: str) -> str:
    """The same text spelt with Arabic ye and kaf (ي ك), as cp1256-era systems write it."""
    return text.replace("ی", "ي").replace("ک", "ك")


# --------------------------------------------------------------------------------------------
# Needs survey (importance-performance) and Kano features

#: (id, English label, Persian label) of the needs rated for importance and performance.
NEEDS: tuple[tuple[str, str, str], ...] = (
    ("network_coverage", "network coverage", "پوشش شبکه"),
    ("price", "price", "قیمت"),
    ("clear_bills", "clear bills", "صورتحساب روشن"),
    ("one_number", "one number for every problem", "یک شماره برای هر مشکل"),
    ("low_balance_alerts", "low-balance alerts", "هشدار کمبود اعتبار"),
    ("internet_speed", "internet speed", "سرعت اینترنت"),
    ("friendly_staff", "friendly store staff", "کارکنان خوش‌برخورد فروشگاه"),
    ("easy_top_up", "easy top-up", "شارژ آسان"),
    ("mobile_app", "mobile app", "اپلیکیشن همراه"),
    ("rewards_club", "rewards club", "باشگاه مشتریان"),
    ("store_decor", "store decor", "دکوراسیون فروشگاه"),
)

#: (id, English label, Persian label) of the Kano features.
KANO_FEATURES: tuple[tuple[str, str, str], ...] = (
    ("network_coverage", "network coverage", "پوشش شبکه"),
    ("clear_bill", "clear bill", "صورتحساب روشن"),
    ("low_balance_alerts", "low-balance alerts", "هشدار کمبود اعتبار"),
    ("one_number", "one number for every problem", "یک شماره برای هر مشکل"),
    ("birthday_gift", "birthday gift", "هدیه تولد"),
    ("store_decor", "store decor", "دکوراسیون فروشگاه"),
    ("monthly_newsletter", "monthly newsletter", "خبرنامه ماهانه"),
    ("app_dark_mode", "app dark mode", "حالت تاریک اپلیکیشن"),
)

#: Kano answers 1-5 (like, must-be, neutral, live-with, dislike) as a messy survey tool writes
#: them: several English spellings, Persian, and the bare codes. Every spelling is one that
#: :mod:`crmplay.chapters.needs.kano` accepts.
KANO_WORDS_EN: tuple[tuple[str, ...], ...] = (
    ("I like it", "like", "Like"),
    ("I expect it", "must-be", "Must be"),
    ("I am neutral", "neutral", "Neutral"),
    ("I can live with it", "live-with", "Live with"),
    ("I dislike it", "dislike", "Dislike"),
)
KANO_WORDS_FA: tuple[tuple[str, ...], ...] = (
    ("دوست دارم", "خوشم می‌آید"),
    ("باید باشد", "انتظار دارم"),
    ("برایم فرقی ندارد", "بی‌تفاوتم"),
    ("می‌توانم تحمل کنم", "قابل تحمل است"),
    ("دوست ندارم", "بدم می‌آید"),
)

# --------------------------------------------------------------------------------------------
# People (personal data: these columns must never reach a stakeholder report)

#: (English transliteration, Persian) first names.
FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("Ali", "علی"), ("Reza", "رضا"), ("Mohammad", "محمد"), ("Hossein", "حسین"), ("Mehdi", "مهدی"),
    ("Amir", "امیر"), ("Hamid", "حمید"), ("Omid", "امید"), ("Babak", "بابک"), ("Kaveh", "کاوه"),
    ("Saeed", "سعید"), ("Navid", "نوید"), ("Arash", "آرش"), ("Farhad", "فرهاد"), ("Majid", "مجید"),
    ("Sara", "سارا"), ("Maryam", "مریم"), ("Zahra", "زهرا"), ("Fatemeh", "فاطمه"), ("Neda", "ندا"),
    ("Narges", "نرگس"), ("Parisa", "پریسا"), ("Leila", "لیلا"), ("Shirin", "شیرین"), ("Roya", "رویا"),
    ("Elham", "الهام"), ("Mina", "مینا"), ("Nazanin", "نازنین"), ("Samira", "سمیرا"), ("Azadeh", "آزاده"),
)
#: (English transliteration, Persian) family names.
LAST_NAMES: tuple[tuple[str, str], ...] = (
    ("Ahmadi", "احمدی"), ("Hosseini", "حسینی"), ("Karimi", "کریمی"), ("Rezaei", "رضایی"),
    ("Moradi", "مرادی"), ("Mohammadi", "محمدی"), ("Jafari", "جعفری"), ("Rahimi", "رحیمی"),
    ("Sadeghi", "صادقی"), ("Kazemi", "کاظمی"), ("Hashemi", "هاشمی"), ("Ebrahimi", "ابراهیمی"),
    ("Tehrani", "تهرانی"), ("Shirazi", "شیرازی"), ("Esfahani", "اصفهانی"), ("Najafi", "نجفی"),
    ("Ghasemi", "قاسمی"), ("Bagheri", "باقری"), ("Abbasi", "عباسی"), ("Azizi", "عزیزی"),
    ("Nouri", "نوری"), ("Sohrabi", "سهرابی"), ("Farahani", "فراهانی"), ("Golzari", "گلزاری"),
)
#: Reserved example domains only (RFC 2606), so no demo address can belong to anyone.
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")

# --------------------------------------------------------------------------------------------
# Verbatims. BANK[theme][polarity][lang] -> sentences; polarity is "neg" or "pos".
# Themes are the survey attributes plus "store" (interviews) and "general".

BANK: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "network": {
        "neg": {
            "en": ("No signal at home, calls keep dropping.",
                   "Coverage outside the city is terrible.",
                   "Mobile data is so slow in the evenings.",
                   "I lose the network every time I take the metro.",
                   "The antenna in our neighbourhood has been weak for months."),
            "fa": ("در خانه آنتن ندارم و تماس‌ها قطع می‌شود.",
                   "پوشش شبکه بیرون از شهر افتضاح است.",
                   "اینترنت همراه شب‌ها خیلی کند است.",
                   "در مترو همیشه شبکه قطع می‌شود.",
                   "چند ماه است آنتن محله ما ضعیف است."),
        },
        "pos": {
            "en": ("Great coverage everywhere I travel.",
                   "Fast and stable internet.",
                   "The signal is strong even in the village."),
            "fa": ("همه جا آنتن دارم، عالی است.",
                   "اینترنت سریع و پایدار است.",
                   "حتی در روستا هم آنتن قوی است."),
        },
    },
    "price": {
        "neg": {
            "en": ("Too expensive for what you get.",
                   "Prices went up again without any notice.",
                   "Other operators give more data for the same money.",
                   "The packages are overpriced."),
            "fa": ("برای این کیفیت خیلی گران است.",
                   "دوباره بدون اطلاع قیمت‌ها را بالا بردید.",
                   "اپراتورهای دیگر با همین پول حجم بیشتری می‌دهند.",
                   "قیمت بسته‌ها منصفانه نیست."),
        },
        "pos": {
            "en": ("Good value for money.", "Fair prices compared with the others."),
            "fa": ("نسبت به قیمتش می‌ارزد.", "قیمت‌ها نسبت به بقیه منصفانه است."),
        },
    },
    "billing": {
        "neg": {
            "en": ("My bill was wrong again this month.",
                   "I was charged twice for the same package.",
                   "The invoice is impossible to understand.",
                   "Unexplained charges on my bill every month.",
                   "Since the new billing system my bill doubled for no reason.",
                   "Still waiting for a refund of a wrong charge."),
            "fa": ("قبض این ماه هم اشتباه بود.",
                   "برای یک بسته دو بار از من پول کم شد.",
                   "صورتحساب اصلاً قابل فهم نیست.",
                   "هر ماه هزینه‌های نامشخص روی قبضم می‌آید.",
                   "از وقتی سیستم صورتحساب عوض شد قبضم بی‌دلیل دو برابر شده.",
                   "هنوز منتظر برگشت پولی هستم که اشتباه کسر شد."),
        },
        "pos": {
            "en": ("Bills are clear and always correct.", "I like the itemised bill in the app."),
            "fa": ("قبض‌ها روشن و همیشه درست است.", "ریز صورتحساب در اپلیکیشن خیلی خوب است."),
        },
    },
    "call_centre": {
        "neg": {
            "en": ("I was transferred between four operators and nobody could help.",
                   "Called support three times for the same problem.",
                   "Waited forty minutes on hold, then the call dropped.",
                   "Every operator tells me to call a different number.",
                   "The call centre passes you around and never solves anything."),
            "fa": ("بین چهار اپراتور دست‌به‌دست شدم و کسی کمکی نکرد.",
                   "سه بار برای یک مشکل با پشتیبانی تماس گرفتم.",
                   "چهل دقیقه پشت خط ماندم و بعد تماس قطع شد.",
                   "هر اپراتور می‌گوید با یک شماره دیگر تماس بگیرید.",
                   "مرکز تماس فقط آدم را پاس می‌دهد و هیچ مشکلی را حل نمی‌کند."),
        },
        "pos": {
            "en": ("The support agent solved my problem in one call.", "Friendly and helpful call centre."),
            "fa": ("کارشناس پشتیبانی مشکلم را در یک تماس حل کرد.", "مرکز تماس مودب و کمک‌کننده است."),
        },
    },
    "onboarding": {
        "neg": {
            "en": ("Setting up the modem took a week.",
                   "Nobody explained how to activate the SIM.",
                   "The installation technician never showed up."),
            "fa": ("راه‌اندازی مودم یک هفته طول کشید.",
                   "کسی توضیح نداد سیم‌کارت را چطور فعال کنم.",
                   "تکنسین نصب اصلاً نیامد."),
        },
        "pos": {
            "en": ("Set-up was quick and easy.", "The technician explained everything."),
            "fa": ("راه‌اندازی سریع و آسان بود.", "تکنسین همه چیز را توضیح داد."),
        },
    },
    "app": {
        "neg": {
            "en": ("The app crashes when I try to pay.",
                   "The app is slow and confusing.",
                   "I cannot log in to the app since the last update."),
            "fa": ("اپلیکیشن موقع پرداخت بسته می‌شود.",
                   "برنامه کند و گیج‌کننده است.",
                   "از به‌روزرسانی آخر نمی‌توانم وارد اپلیکیشن شوم."),
        },
        "pos": {
            "en": ("The app makes top-ups easy.", "I love the new app."),
            "fa": ("با اپلیکیشن شارژ کردن خیلی راحت است.", "اپلیکیشن جدید را خیلی دوست دارم."),
        },
    },
    "alerts": {
        "neg": {
            "en": ("My credit ran out without any warning.",
                   "No alert before my data bundle finished, so I paid out-of-bundle rates.",
                   "Please send a message when my balance is low."),
            "fa": ("اعتبارم بدون هیچ هشداری تمام شد.",
                   "قبل از تمام شدن بسته اینترنت پیامکی نیامد و هزینه خارج از بسته دادم.",
                   "لطفاً وقتی اعتبارم کم است پیامک بفرستید."),
        },
        "pos": {
            "en": ("The low-balance text saved me more than once.",
                   "Thanks for the warning before my bundle ran out."),
            "fa": ("پیامک کمبود اعتبار چند بار به دادم رسید.",
                   "ممنون که قبل از تمام شدن بسته خبر دادید."),
        },
    },
    "rewards": {
        "neg": {
            "en": ("Twelve years with you and not even a thank-you.",
                   "New customers get better offers than loyal ones.",
                   "The loyalty points are useless."),
            "fa": ("دوازده سال مشترک هستم و حتی یک تشکر هم نشنیدم.",
                   "مشتری جدید پیشنهاد بهتری از مشتری قدیمی می‌گیرد.",
                   "امتیازهای باشگاه مشتریان به هیچ دردی نمی‌خورد."),
        },
        "pos": {
            "en": ("Loved the birthday gift.", "The club points got me a free bundle."),
            "fa": ("هدیه تولد خیلی خوشحالم کرد.", "با امتیاز باشگاه یک بسته رایگان گرفتم."),
        },
    },
    "store": {
        "neg": {
            "en": ("The store was crowded and I waited an hour.",
                   "Store staff could not answer a simple billing question."),
            "fa": ("فروشگاه شلوغ بود و یک ساعت منتظر ماندم.",
                   "کارکنان فروشگاه به یک سؤال ساده درباره قبض جواب ندادند."),
        },
        "pos": {
            "en": ("The staff at the store are very friendly.", "The new store looks beautiful."),
            "fa": ("کارکنان فروشگاه خیلی خوش‌برخورد هستند.", "فروشگاه جدید خیلی زیباست."),
        },
    },
    "general": {
        "neg": {
            "en": ("Not happy overall.", "I am thinking about switching operator."),
            "fa": ("در کل راضی نیستم.", "به فکر عوض کردن اپراتور هستم."),
        },
        "pos": {
            "en": ("Very happy, I recommend you to everyone.", "Best operator I have used."),
            "fa": ("خیلی راضی‌ام و به همه پیشنهاد می‌کنم.", "بهترین اپراتوری است که داشته‌ام."),
        },
        "mid": {
            "en": ("It's OK.", "Nothing special.", "Fine for now."),
            "fa": ("معمولی است.", "چیز خاصی ندارد.", "فعلاً بد نیست."),
        },
    },
}

#: Sentences carrying the respondent's own contact details (personal data to be masked).
#: Placeholders: {name}, {phone}, {email}.
PII_SENTENCES: dict[str, tuple[str, ...]] = {
    "en": ("Please call me back on {phone}.",
           "You can email me at {email}.",
           "This is {name}, call me on {phone}."),
    "fa": ("لطفاً با شماره {phone} با من تماس بگیرید.",
           "ایمیل من {email} است.",
           "{name} هستم، با شماره {phone} تماس بگیرید."),
}

#: Interview openers, so interview statements read as spoken ("What annoys me is ...").
INTERVIEW_PREFIX: dict[str, dict[str, tuple[str, ...]]] = {
    "neg": {"en": ("", "What annoys me: ", "Honestly, "), "fa": ("", "چیزی که اذیتم می‌کند: ", "راستش ")},
    "pos": {"en": ("", "What I like: ", "To be fair, "), "fa": ("", "چیزی که دوست دارم: ", "انصافاً ")},
}

#: The organisation's name per language.
CLIENT_NAME: dict[str, str] = {
    "en": "Parsian Mobile & Net (demo)",
    "fa": "پارسیان همراه و نت (نمونه)",
}

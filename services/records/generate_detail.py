"""What a generated council's records hold beyond the journey itself (services/records/generate.py),
so the management reports have something to show: who each child is beyond ethnicity and
disability, the child's own words, signatures beyond the author's, and time at the editor.

Every function draws from the generator it is given; the generator passes each its own (derived
from the seed), so none of these draws moves the children, episodes, placements or returns that
the same seed has always made. All words and names are made up.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from ics.common.v1 import common_pb2 as cpb

ANSWERED, NOT_KNOWN, NOT_APPLICABLE, DECLINED = (cpb.ANSWER_STATUS_ANSWERED, cpb.ANSWER_STATUS_NOT_KNOWN,
                                                 cpb.ANSWER_STATUS_NOT_APPLICABLE, cpb.ANSWER_STATUS_DECLINED)
NOT_RECORDED = None  # the question was never asked: no answer at all

# ---- who the child is ------------------------------------------------------------------------

# Shares of answered / not known / declined / not recorded, per characteristic: a London
# borough's front door knows a first language nearly always, a birth father's heritage far less.
STATUS_SHARES = {
    "religion": (72, 10, 8, 10),
    "first_language": (88, 5, 1, 6),
    "dietary_needs": (62, 12, 2, 24),
    "mother_heritage": (78, 12, 4, 6),
    "father_heritage": (55, 30, 5, 10),
}
# By the child's ethnicity (CIN census codes): (religion weights, first language weights).
BACKGROUND = {
    "WBRI": ({"None": 50, "Christian": 45, "Jewish": 3, "Buddhist": 2}, {"English": 99, "Welsh": 1}),
    "WOTH": ({"Christian": 60, "None": 33, "Muslim": 5, "Jewish": 2},
             {"English": 45, "Polish": 20, "Romanian": 15, "Portuguese": 10, "Bulgarian": 5, "Italian": 5}),
    "MWBC": ({"Christian": 55, "None": 40, "Muslim": 5}, {"English": 100}),
    "MWBA": ({"Christian": 50, "None": 35, "Muslim": 15}, {"English": 97, "Somali": 3}),
    "AIND": ({"Hindu": 50, "Sikh": 25, "Muslim": 15, "None": 10},
             {"English": 60, "Gujarati": 15, "Punjabi": 15, "Tamil": 10}),
    "APKN": ({"Muslim": 95, "None": 5}, {"English": 55, "Urdu": 35, "Punjabi": 10}),
    "BAFR": ({"Christian": 55, "Muslim": 40, "None": 5},
             {"English": 60, "Somali": 15, "Yoruba": 10, "Twi": 8, "Arabic": 7}),
    "BCRB": ({"Christian": 60, "None": 38, "Muslim": 2}, {"English": 100}),
    "CHNE": ({"None": 60, "Buddhist": 20, "Christian": 20}, {"English": 50, "Cantonese": 25, "Mandarin": 25}),
    "OOTH": ({"Muslim": 50, "Christian": 25, "None": 20, "Jewish": 5},
             {"English": 30, "Arabic": 30, "Tigrinya": 10, "Spanish": 10, "Pashto": 10, "Turkish": 10}),
}
# A child of mixed heritage has one parent of each; otherwise both share the child's, mostly.
PARENTS = {"MWBC": ("WBRI", "BCRB"), "MWBA": ("WBRI", "BAFR")}
OTHER_HERITAGE = ("WBRI", "WIRI", "WOTH", "BCRB", "BAFR", "AIND", "OOTH")
DIETS = {"None": 80, "Vegetarian": 6, "Nut allergy": 5, "Lactose intolerant": 5, "Coeliac (gluten free)": 2,
         "Egg allergy": 2}
RELIGIOUS_DIETS = {"Muslim": ("Halal", 0.8), "Jewish": ("Kosher", 0.5), "Hindu": ("Vegetarian", 0.5),
                   "Sikh": ("Vegetarian", 0.25)}


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def characteristics(rng: random.Random, ethnicity: str) -> dict[str, cpb.Answer]:
    """Religion, first language, dietary needs and each birth parent's heritage for a child of
    `ethnicity` (blank when not recorded), each answered, not known, declined or never asked.
    Every draw is made whatever the status, so one child's statuses never shift the next child's."""
    background = BACKGROUND.get(ethnicity) or BACKGROUND[rng.choice(sorted(BACKGROUND))]
    religion = _weighted(rng, background[0])
    language = _weighted(rng, background[1])
    diet, share = RELIGIOUS_DIETS.get(religion, ("", 0.0))
    diet = diet if rng.random() < share else _weighted(rng, DIETS)
    own = ethnicity or rng.choice(OTHER_HERITAGE)
    mother, father = PARENTS.get(own, (own, own))
    if own in PARENTS and rng.random() < 0.4:
        mother, father = father, mother
    mother = mother if rng.random() < 0.9 else rng.choice(OTHER_HERITAGE)
    father = father if rng.random() < 0.85 else rng.choice(OTHER_HERITAGE)
    values = {"religion": religion, "first_language": language, "dietary_needs": diet,
              "mother_heritage": mother, "father_heritage": father}
    answers = {}
    for key, value in values.items():
        status = rng.choices((ANSWERED, NOT_KNOWN, DECLINED, NOT_RECORDED), weights=STATUS_SHARES[key])[0]
        if status is not NOT_RECORDED:
            answers[key] = cpb.Answer(value=value if status == ANSWERED else "", status=status)
    return answers


# ---- the child's own words ---------------------------------------------------------------------

OLDER_WORDS = (
    "I like living with my nan but I miss my mum.",
    "I don't like it when they shout. I go to my room and put my headphones on.",
    "School is alright. I want to stay at the same school.",
    "I want to see my dad more, but only when he isn't drinking.",
    "I feel safe here. The carers are kind to me.",
    "I don't want to talk about home today.",
    "I just want things to go back to normal.",
    "Mum is trying really hard. It's better than before.",
    "I worry about my little brother when I'm at school.",
    "Sometimes there's no breakfast so I'm hungry in the morning.",
    "I want to go to college and do mechanics.",
    "I'm fed up of meetings about me.",
)
YOUNGER_WORDS = (
    "I like my teacher and playing football.",
    "Mummy is sad sometimes.",
    "I want to stay with Nanny.",
    "I don't like the shouting. It's loud.",
    "My bedroom is cold at night.",
    "I like it here, they have a dog.",
    "Daddy said sorry.",
)
VIA_PARENT = (
    "Mum says {n} tells her they want to see Dad more.",
    "Mum told me {n} has said they are happier since the new bedtime routine.",
    "Dad said {n} tells him they don't like going to school on Mondays.",
    "The carers said {n} talks about wanting to see their sister.",
)
INTERPRETED = (
    "{n} was smiley and relaxed with Mum and reached for her when upset.",
    "{n} played happily, went to Dad for comfort and settled quickly.",
    "{n} was quiet and watchful, and startled when voices were raised.",
    "{n} babbled and made good eye contact with Mum throughout the visit.",
    "{n} drew a picture of the family and put themselves next to Nan.",
)


def child_views(rng: random.Random, age: int, given: str) -> dict[str, cpb.Answer]:
    """The child's views as a worker records them for a child of `age` (whole years): most
    children over four in their own words; a baby's as the worker's reading of them, or not
    applicable. Sometimes left blank or not known, as in real records."""
    draw, pick = rng.random(), rng.random()
    if age >= 5:
        how = ("direct" if draw < 0.76 else "via_parent" if draw < 0.82 else
               "worker_interpretation" if draw < 0.88 else "not_known" if draw < 0.92 else "")
    elif age >= 2:
        how = ("direct" if draw < 0.2 else "via_parent" if draw < 0.45 else
               "worker_interpretation" if draw < 0.75 else "")
    else:
        how = "worker_interpretation" if draw < 0.55 else "not_applicable" if draw < 0.9 else ""
    if how == "":
        return {}
    if how in ("not_known", "not_applicable"):
        # With no views to record, how they were obtained does not apply either.
        return {"child_views": cpb.Answer(status=NOT_KNOWN if how == "not_known" else NOT_APPLICABLE),
                "child_views_how": cpb.Answer(status=NOT_APPLICABLE)}
    pool = {"direct": OLDER_WORDS if age >= 8 else YOUNGER_WORDS, "via_parent": VIA_PARENT,
            "worker_interpretation": INTERPRETED}[how]
    words = pool[int(pick * len(pool))].format(n=given)
    return {"child_views": cpb.Answer(value=words, status=ANSWERED),
            "child_views_how": cpb.Answer(value=how, status=ANSWERED)}


# ---- signatures beyond the author's ------------------------------------------------------------

# Per kind of record: the share a team leader countersigns, the share a parent signs, and the share
# a young person of 12 or over signs (each witnessed by the worker in person).
SIGNED_BY = {
    "assessment": (0.6, 0.3, 0.3),
    "plan": (0.5, 0.35, 0.4),
    "review": (0.3, 0.2, 0.3),
    "child_protection": (0.4, 0.1, 0.1),
    "closure": (0.5, 0.0, 0.0),
}


def signatures(rng: random.Random, kind: str, age: int) -> list[tuple[str, int]]:
    """Who signs a completed record of `kind` beyond its author: (role, working days after it was
    completed). Three draws whatever the answer, so one record never shifts the next one's."""
    leader, parent, young = SIGNED_BY.get(kind, (0.0, 0.0, 0.0))
    draws = [rng.random() for _ in range(3)]
    delays = [rng.randint(0, 5) for _ in range(3)]
    roles = []
    if draws[0] < leader:
        roles.append(("team_leader", delays[0]))
    if draws[1] < parent:
        roles.append(("parent", delays[1]))
    if age >= 12 and draws[2] < young:
        roles.append(("young_person", delays[2]))
    return roles


# ---- time at the editor ------------------------------------------------------------------------

# Hours at the editor (low, high) and sittings (fewest, most) per template: a lower bound on the
# work, as editing time is (single assessment a working day or so, plans and reviews some hours,
# case notes minutes), well under the time study's whole-work figures.
EDITING = {
    "single-assessment": (3.5, 9.0, 4, 8),
    "outcome-of-s47-enquiries": (1.5, 4.0, 2, 4),
    "initial-child-protection-conference-report": (2.0, 4.5, 2, 3),
    "strategy-discussion": (0.5, 1.5, 1, 2),
    "child-in-need-review": (1.5, 3.5, 2, 3),
    "child-protection-review": (2.0, 4.0, 2, 3),
    "looked-after-review": (2.0, 4.0, 2, 3),
    "care-plan": (2.5, 5.0, 2, 4),
    "adoption-plan": (2.0, 5.0, 2, 3),
    "closure-record": (0.3, 1.0, 1, 2),
    "case-note": (0.1, 0.5, 1, 1),
    "referral-and-information-record": (0.15, 0.4, 1, 1),
}
OTHER = (0.25, 1.0, 1, 2)
DAY_STARTS, DAY_ENDS = time(7, 30), time(17, 0)  # UTC: the same London day summer and winter
GAP = (300, 840)  # seconds between saves within a sitting: 5 to 14 minutes, under a sitting's 15
BREAK = (20 * 60, 45 * 60)  # between two sittings on one day: longer than a sitting's 15 minutes


def sittings(rng: random.Random, template_id: str, first: date, last: date, working: list[date],
             finished: datetime, share: float = 1.0, now: datetime | None = None) -> list[datetime]:
    """The instants of every save of one record started on `first` and completed on `last` (at
    `finished`): sittings on its working days (`working`, the first sitting on the first day, the
    last on the last), each a run of saves minutes apart. `share`: how much of the record is done
    (a record still in progress). No save falls after `finished` or `now`."""
    low, high, fewest, most = EDITING.get(template_id, OTHER)
    total = rng.triangular(low, high, low + (high - low) / 3) * 3600 * share
    count = max(1, round(rng.randint(fewest, most) * share))
    middle = [d for d in working if first < d < last]
    days = sorted([first] + sorted(rng.choice(middle) if middle else first for _ in range(count - 2))
                  + ([last] if count > 1 else []))
    weights = [rng.uniform(0.5, 1.5) for _ in days]
    saves: list[datetime] = []
    for day in sorted(set(days)):
        lengths = [total * w / sum(weights) for d, w in zip(days, weights) if d == day]
        start = datetime.combine(day, DAY_STARTS, timezone.utc) + timedelta(seconds=rng.randint(0, 90 * 60))
        cutoff = min(finished, datetime.combine(day, DAY_ENDS, timezone.utc))
        breaks = [rng.randint(*BREAK) for _ in lengths]
        # Start late enough in the morning, but early enough that the day's sittings end by the cutoff.
        start = min(start, cutoff - timedelta(seconds=sum(lengths) + sum(breaks[:-1])))
        start = max(start, datetime.combine(day, time(6), timezone.utc))
        at = start
        for length, pause in zip(lengths, breaks):
            saves.append(at)
            left = length
            while left > 0:
                step = min(left, rng.randint(*GAP))
                at += timedelta(seconds=round(step))
                left -= step
                saves.append(at)
            at += timedelta(seconds=pause)
    limit = min(finished, now or datetime.now(timezone.utc))
    kept = [s for s in saves if s <= limit]
    return kept or [min(saves[0], limit)]

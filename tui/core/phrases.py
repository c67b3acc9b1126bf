"""The fixed words of a printed copy in English and Welsh, for the family's copy of a document
(Welsh Language Standards: a family in Wales may have theirs in Welsh). The template supplies the
family wording of titles and questions in both languages; these are the words around them. Dates
are written in the copy's language too. The Welsh was drafted for ICS and must be checked by a
Welsh speaker in the council before the first copy goes out (docs/ARCHITECTURE.md says so)."""

from __future__ import annotations

from datetime import date, datetime

LANGUAGES = ("en", "cy")

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "for": "For", "written_by": "Written by", "started": "Started", "finished": "Finished",
        "signatures": "Signatures", "not_yet_signed": "{role}, not yet signed:", "name": "Name", "signed": "Signed",
        "date": "Date", "not_final": "This is not the final record: it is {state}.", "final_record": "final record",
        "not_final_short": "not final: {state}", "page": "page {n} of {m}",
        "nobody_signed": "Nobody has signed it in ICS yet.",
        "added": "Added after completion", "produced": "Copy taken from ICS{who} on {when}.", "by": " by {name}",
        "signer_line": "{signer}, {how}, on {when}.", "electronically": "signed electronically",
        "in_person": "signed in person", "witnessed": ", witnessed by {name}", "at": "{day} at {time}",
        "parent": "Parent or carer", "young_person": "Child or young person", "social_worker": "Social worker",
        "team_leader": "Team leader", "other_professional": "Other professional",
        "not known": "Not known", "not applicable": "Not applicable", "declined": "Declined",
        "yes": "Yes", "no": "No", "in progress": "in progress", "submitted": "waiting for approval",
        "completed": "completed", "your social worker": "your social worker", "letter": "letter",
        "no date": "no date",
        "marking": "OFFICIAL-SENSITIVE",
        "private": "Private: about you and your family.",
        "not_shown": "[{script} not shown]", "other_script": "text in another script",
        "scripts_note": "Some names or words in this record are written in {scripts}, which this printed copy "
                        "cannot show; each place is marked [... not shown]. ICS holds them as written: read them "
                        "there.",
    },
    "cy": {
        "for": "Ar gyfer", "written_by": "Ysgrifennwyd gan", "started": "Dechreuwyd", "finished": "Gorffennwyd",
        "signatures": "Llofnodion", "not_yet_signed": "{role}, heb lofnodi eto:", "name": "Enw", "signed": "Llofnod",
        "date": "Dyddiad", "not_final": "Nid hwn yw'r cofnod terfynol: mae'n {state}.",
        "final_record": "cofnod terfynol", "not_final_short": "nid yn derfynol: {state}", "page": "tudalen {n} o {m}",
        "nobody_signed": "Nid oes neb wedi'i lofnodi yn ICS eto.", "added": "Ychwanegwyd wedi'i gwblhau",
        "produced": "Copi wedi'i gymryd o ICS{who} ar {when}.", "by": " gan {name}",
        "signer_line": "{signer}, {how}, ar {when}.", "electronically": "llofnodwyd yn electronig",
        "in_person": "llofnodwyd yn bersonol", "witnessed": ", gyda {name} yn dyst", "at": "{day} am {time}",
        "parent": "Rhiant neu ofalwr", "young_person": "Plentyn neu berson ifanc",
        "social_worker": "Gweithiwr cymdeithasol", "team_leader": "Arweinydd tîm",
        "other_professional": "Gweithiwr proffesiynol arall",
        "not known": "Ddim yn hysbys", "not applicable": "Ddim yn berthnasol", "declined": "Gwrthodwyd",
        "yes": "Ie", "no": "Na", "in progress": "dal ar y gweill", "submitted": "aros am gymeradwyaeth",
        "completed": "wedi'i gwblhau", "your social worker": "eich gweithiwr cymdeithasol", "letter": "llythyr",
        "no date": "dim dyddiad",
        # The Welsh Government's own form of the marking, with the English a council's staff know.
        "marking": "SWYDDOGOL-SENSITIF / OFFICIAL-SENSITIVE",
        "private": "Preifat: amdanoch chi a'ch teulu.",
        "not_shown": "[{script}: heb ei ddangos]", "other_script": "testun mewn sgript arall",
        "scripts_note": "Mae rhai enwau neu eiriau yn y cofnod hwn wedi'u hysgrifennu mewn sgript na all y copi "
                        "printiedig hwn ei dangos; mae pob man wedi'i nodi [... heb ei ddangos]. Mae ICS yn eu "
                        "cadw fel y'u hysgrifennwyd: darllenwch nhw yno.",
    },
}

DAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        "cy": ("Llun", "Maw", "Mer", "Iau", "Gwe", "Sad", "Sul")}
MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
          "cy": ("Ion", "Chwef", "Maw", "Ebr", "Mai", "Meh", "Gorff", "Awst", "Medi", "Hyd", "Tach", "Rhag")}


def say(language: str, key: str, **values: str) -> str:
    return WORDS.get(language, WORDS["en"])[key].format(**values)


def day(language: str, value: date | None) -> str:
    """"Mon 2 Nov 2026" / "Llun 2 Tach 2026"."""
    if value is None:
        return say(language, "no date")
    return f"{DAYS[language][value.weekday()]} {value.day} {MONTHS[language][value.month - 1]} {value.year}"


def day_and_time(language: str, moment: datetime | None) -> str:
    if moment is None:
        return say(language, "no date")
    return say(language, "at", day=day(language, moment.date()), time=f"{moment:%H:%M}")

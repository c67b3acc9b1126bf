"""The letter to a family saying that their records are kept electronically, who can see them,
and who has (recommendation 3 of the evaluation): the record's own access report, in plain
words, printed or saved like any document (tui/core/printing.py). A team leader or manager
produces it, as producing an access report is theirs to do. English only for now."""

from __future__ import annotations

from datetime import datetime

from ics.records.v1 import records_pb2 as rpb
from tui.core.phrases import day_and_time
from tui.core.printing import LONDON, Entry, Outline, Part, copy_taken

WHO_CAN_SEE = {
    rpb.ACCESS_LEVEL_RESTRICTED: "This record is restricted: only the people the council has named on it can open "
                                 "it, and each of them is listed below whenever they do.",
    rpb.ACCESS_LEVEL_SEALED: "This record is sealed: only the people the council has named on it can open it, and "
                             "each of them is listed below whenever they do.",
}
OPEN_RECORD = ("People who work in the council's children's social care can open the record when their work "
               "needs it: the social worker and team that work with you, their team leaders and managers, the "
               "duty team who answer new worries about children, and reviewing officers. Someone from another "
               "agency, such as a health visitor, sees only what has been shared with them. In an emergency a "
               "social worker from another team may open it, giving a reason, and their team leader checks it.")


def letter_outline(client, person: str, now: datetime | None = None) -> Outline:
    """The letter about the child `person` ("people/3"), with everyone who has looked at or
    changed their record, oldest first. Raises the service's refusal for a caller who may not
    produce access reports."""
    report = client.access_report(person)
    child_record = client.get_person(person)
    child = report.person_display_name
    given = child_record.given_name or "your child"
    about = Part(f"How we keep {given}'s records", [
        Entry("We keep records on a computer", [
            f"We, the council's children's social care, keep the records about {given} on a computer system "
            "called ICS rather than on paper. They say what people have told us, what we have done, and what "
            "we have decided, and why."]),
        Entry("Who can see them", [WHO_CAN_SEE.get(child_record.access_level, OPEN_RECORD)]),
        Entry("Every look is written down", [
            "Each time someone opens or changes the record, ICS writes down who it was and when, and nobody can "
            "change or remove that list. The list so far is below."]),
        Entry("Seeing the records yourself", [
            "You can ask to see what we hold about you or your child (a subject access request). Ask your social "
            "worker, or write to the council. If something in the records is wrong, tell us and we will look "
            "at it."]),
    ])
    seen = [Entry(day_and_time("en", line.time.ToDatetime(tzinfo=LONDON)),
                  [f"{line.who}" + (f", for {line.on_behalf_of}," if line.on_behalf_of else "") + f" {line.what}"
                   + (f", giving the reason: {line.reason}" if line.reason else "") + "."])
            for line in report.lines]
    seen_part = Part(f"Who has seen or changed {given}'s record",
                     seen or [Entry("Nobody yet", ["Nobody has looked at or changed the record yet."])])
    moment, produced = copy_taken(client, now)
    return Outline(person, "Your family's records", "", False, [("About", child), ("Date", day_and_time("en", moment))],
                   [about, seen_part], produced=produced, produced_at=moment, letter=True, child=child)

"""The recording-quality report over real gRPC, on a small council built here: completeness per
question with blanks told apart from recorded reasons and from questions a pathway hid, the
90% / 10% flags, signatures beyond the author, the child's own words, and duplicates refused and
merged, each counted once. Every expected number is worked out by hand beside it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ics.common.v1 import common_pb2 as cpb
from ics.common.v1 import reports_pb2 as rpb
from ics.records.v1 import records_pb2 as pb
from services.common.db import Database
from services.records import retention
from services.records.models import DuplicateRefusal
from tui.core.errors import ServiceError
from tests.helpers import a, call
from tui.core import reports

NOT_KNOWN, NOT_APPLICABLE, DECLINED = (cpb.ANSWER_STATUS_NOT_KNOWN, cpb.ANSWER_STATUS_NOT_APPLICABLE,
                                       cpb.ANSWER_STATUS_DECLINED)
JUNE = dict(from_date="2025-06-01", to_date="2025-06-30")
CASE_NOTE = "Case Note, version 1"
REVIEW = "Child in Need Review"
NHS = "9434765919"  # a valid check digit


def status(code: int) -> cpb.Answer:
    return cpb.Answer(status=code)


def child(client, given: str, family: str, born: str, confirmed: bool = False, **fields) -> pb.Person:
    return call(client, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name=given, family_name=family, date_of_birth=born, sex=pb.SEX_FEMALE, **fields),
        confirmed_not_duplicate=confirmed))


def completed(client, person: pb.Person, template: str, start: str, **answers) -> pb.Document:
    doc = call(client, "CreateDocument", pb.CreateDocumentRequest(person=person.name, template_id=template,
                                                                  start_date=start, answers=answers))
    return call(client, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag,
                                                             state=pb.DOCUMENT_STATE_COMPLETED))


def refused(fn, *args, **kwargs) -> str:
    with pytest.raises(ServiceError) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == "ALREADY_EXISTS", exc.value.message
    return exc.value.message


def case_note(day: int, note_type: str = "home_visit", **answers) -> dict:
    return {"note_date": a(f"2025-06-{day:02d}"), "note_type": a(note_type), "what_happened": a("Visited"),
            **answers}


@pytest.fixture(scope="module")
def council(sessions):
    """Team 1 (duty's, led by leader with team 2) and team 3 (worker2's)."""
    duty, leader, worker2 = sessions("duty"), sessions("leader"), sessions("worker2")
    amy = child(duty, "Amy", "Quill", "2014-02-02", characteristics={
        "ethnicity": a("WBRI"), "religion": status(NOT_KNOWN), "first_language": a("English")})
    bea = child(duty, "Bea", "Quill", "2016-03-03", characteristics={
        "ethnicity": status(DECLINED), "first_language": a("English")})
    cal = child(worker2, "Cal", "Other", "2015-04-04")

    # Ten completed case notes in June for team 1's children, answered so each row tests a rule.
    notes = []
    for day in range(1, 11):
        answers = case_note(day)
        if day == 1:  # the missing pathway shows the "missing" section in this note only
            answers.update(note_type=a("missing"), missing_type=a("M"), missing_start=a("2025-05-30"))
        if day <= 9:
            answers["who_present"] = a("Mother")  # note 10 leaves it blank
        answers["child_seen"] = a("yes") if day <= 8 else status(NOT_KNOWN if day == 9 else DECLINED)
        if day == 1:
            answers["child_seen_alone"] = a("yes")
            answers["actions"] = a("Review in a week")
        elif day in (2, 3):
            answers["child_seen_alone"] = status(NOT_APPLICABLE)
        notes.append(completed(duty, amy if day <= 5 else bea, "case-note", f"2025-06-{day:02d}", **answers))
    # Not counted: team 3's note (counted only for every team), one before June, one unfinished.
    completed(worker2, cal, "case-note", "2025-06-01", **case_note(1))
    completed(duty, amy, "case-note", "2025-05-31", **case_note(1) | {"note_date": a("2025-05-31")})
    call(duty, "CreateDocument", pb.CreateDocumentRequest(person=bea.name, template_id="case-note",
                                                          start_date="2025-06-20", answers=case_note(20)))

    # Signatures beyond the author's: a leader, a parent, a young person with another professional.
    call(leader, "SignDocument", pb.SignDocumentRequest(name=notes[0].name, role="team_leader", method="electronic"))
    call(duty, "SignDocument", pb.SignDocumentRequest(name=notes[1].name, role="parent",
                                                      method="witnessed_in_person", signer_name="Pat Quill"))
    call(duty, "SignDocument", pb.SignDocumentRequest(name=notes[2].name, role="young_person",
                                                      method="witnessed_in_person", signer_name="Amy Quill"))
    call(duty, "SignDocument", pb.SignDocumentRequest(name=notes[2].name, role="other_professional",
                                                      method="electronic"))

    # Three reviews: the child's words obtained directly, words with no "how", and declined.
    review = dict(review_date=a("2025-06-15"), decision=a("continue"))
    completed(duty, amy, "child-in-need-review", "2025-06-15", **review,
              child_views=a("I want to stay at home"), child_views_how=a("direct"))
    completed(duty, bea, "child-in-need-review", "2025-06-15", **review, child_views=a("School is fine"))
    completed(duty, amy, "child-in-need-review", "2025-06-16", **review, child_views=status(DECLINED))
    return dict(amy=amy, bea=bea, cal=cal)


@pytest.fixture(scope="module")
def duplicates(sessions):
    """Refusals and merges, made today, so counted in a report for the current year."""
    duty, leader, worker2 = sessions("duty"), sessions("leader"), sessions("worker2")
    ellis = child(duty, "Ellis", "Dupont", "2016-01-01")
    refused(child, duty, "Ellis", "Dupont", "2016-01-01")  # 1: a close match duty can see
    refused(child, worker2, "Elis", "Dupont", "2016-01-01")  # 2: one worker2 cannot see (team 3's count)
    child(duty, "Ellis", "Dupont", "2016-01-01", confirmed=True)  # confirmed a different child: no refusal
    child(duty, "Nell", "Numbers", "2013-05-05", nhs_number=NHS)
    refused(child, duty, "Other", "Name", "2012-01-01", nhs_number=NHS)  # 3: the NHS number is Nell's
    refused(call, duty, "RecordContact", pb.RecordContactRequest(  # 4: the front door refuses Ellis too
        source=pb.CONTACT_SOURCE_SCHOOL, reason="Teacher worried",
        new_person=pb.Person(given_name="Ellis", family_name="Dupont", date_of_birth="2016-01-01",
                             sex=pb.SEX_FEMALE)))
    twin = pb.CreateDocumentRequest(person=ellis.name, template_id="case-note", start_date="2025-05-20")
    call(duty, "CreateDocument", twin)
    refused(call, duty, "CreateDocument", twin)  # 5: the same note for the same child the same day

    # Not a duplicate refusal: a relationship type that exists already.
    with pytest.raises(ServiceError) as exc:
        call(sessions("manager"), "CreateRelationshipType", pb.CreateRelationshipTypeRequest(
            type=pb.RelationshipType(code="mother", label="Mother")))
    assert exc.value.code == "ALREADY_EXISTS"  # and counted nowhere below

    def merge(given: str, undo: bool = False):
        keep = child(duty, given, "Merge", "2017-07-07")
        duplicate = child(duty, given, "Merge", "2017-07-07", confirmed=True)
        merged = call(leader, "MergePeople", pb.MergePeopleRequest(keep=keep.name, duplicate=duplicate.name,
                                                                   reason="Same child"))
        if undo:
            call(leader, "UndoMerge", pb.UndoMergeRequest(name=merged.name, reason="Twins, not one child"))

    merge("Fay")
    merge("Gus", undo=True)
    return ellis


def report(client, **fields) -> rpb.Report:
    return call(client, "GetReport", rpb.GetReportRequest(name="recording_quality", **fields))


def rows(message: rpb.Report, key: str) -> list[dict]:
    """A table's rows as {column key: value}, with the row's flag under "flag"."""
    return reports.table_rows(reports.find_table(message, key))


def question(message, template: str, label: str) -> dict:
    return next(r for r in rows(message, "by_question") if r["template"] == template and r["question"] == label)


def counts(row: dict) -> tuple:
    return (row["documents"], row["hidden"], row["answered"], row["not_known"], row["not_applicable"],
            row["declined"], row["blank"])


def test_completeness_per_question_with_blanks_reasons_and_pathways_apart(council, sessions):
    june = report(sessions("leader"), **JUNE)
    # (counted, hidden by pathway, answered, not known, not applicable, declined, blank)
    date_row = question(june, CASE_NOTE, "Date and time")
    assert counts(date_row) == (10, 0, 10, 0, 0, 0, 0) and date_row["usable"] == 1.0 and date_row["flag"] == ""
    # 9 of 10 answered: exactly 90% is not "under 90%".
    present = question(june, CASE_NOTE, "Who was present")
    assert counts(present) == (10, 0, 9, 0, 0, 0, 1)
    assert present["usable"] == pytest.approx(0.9) and present["flag"] == ""
    # 8 answered, 1 not known, 1 declined: all recorded (10/10) but only 8/10 usable.
    seen = question(june, CASE_NOTE, "Child seen")
    assert counts(seen) == (10, 0, 8, 1, 0, 1, 0)
    assert seen["recorded"] == 1.0 and seen["usable"] == pytest.approx(0.8)
    assert seen["flag"] == "weak for statistics (under 90%)"
    # Shown only where the child was seen (8 notes; 2 hidden); of the 8: 1 answered, 2 not
    # applicable, 5 blank. Recorded 3/8; usable 1/(8-2).
    alone = question(june, CASE_NOTE, "Child seen alone (and bedroom seen, if a home visit)")
    assert counts(alone) == (10, 2, 1, 0, 2, 0, 5)
    assert alone["recorded"] == pytest.approx(3 / 8) and alone["usable"] == pytest.approx(1 / 6)
    assert alone["flag"] == "weak for statistics (under 90%)"
    # 1 of 10: exactly 10% is weak, not unusable.
    actions = question(june, CASE_NOTE, "Actions: who does what by when")
    assert counts(actions) == (10, 0, 1, 0, 0, 0, 9) and actions["usable"] == pytest.approx(0.1)
    assert actions["flag"] == "weak for statistics (under 90%)"
    words = question(june, CASE_NOTE, "The child's own words")
    assert counts(words) == (10, 0, 0, 0, 0, 0, 10) and words["usable"] == 0.0
    assert words["flag"] == "unusable for statistics (under 10%)"
    # Never shown (no note has the child's words): nothing to divide, blank and unflagged.
    how = question(june, CASE_NOTE, "How the child's words were obtained")
    assert counts(how) == (10, 10, 0, 0, 0, 0, 0) and how["usable"] is None and how["flag"] == ""
    # The missing section: shown in note 1 only.
    assert counts(question(june, CASE_NOTE, "Missing or away without authorisation")) == (10, 9, 1, 0, 0, 0, 0)
    assert counts(question(june, CASE_NOTE, "Date the episode ended")) == (10, 9, 0, 0, 0, 0, 1)


def test_the_childs_details_are_rows_too(council, sessions):
    june = report(sessions("leader"), **JUNE)
    # Amy and Bea (team 1, documents started in June); Cal is team 3's.
    ethnicity = question(june, "Child's details", "Ethnicity")
    assert counts(ethnicity) == (2, 0, 1, 0, 0, 1, 0)  # Amy WBRI, Bea declined
    assert ethnicity["usable"] == 0.5 and ethnicity["flag"] == "weak for statistics (under 90%)"
    religion = question(june, "Child's details", "Religion")
    assert counts(religion) == (2, 0, 0, 1, 0, 0, 1)  # Amy not known, Bea never asked
    assert religion["flag"] == "unusable for statistics (under 10%)"
    assert counts(question(june, "Child's details", "First language")) == (2, 0, 2, 0, 0, 0, 0)
    assert counts(question(june, "Child's details", "Dietary needs")) == (2, 0, 0, 0, 0, 0, 2)


def test_a_leader_sees_their_teams_and_the_performance_officer_every_team(council, sessions):
    everyone = report(sessions("perf"), **JUNE)
    # Cal's note (team 3) joins: 11 notes, "who was present" 9 of 11 = 0.818: now weak.
    present = question(everyone, CASE_NOTE, "Who was present")
    assert counts(present) == (11, 0, 9, 0, 0, 0, 2) and present["usable"] == pytest.approx(9 / 11)
    assert present["flag"] == "weak for statistics (under 90%)"
    assert question(everyone, "Child's details", "Ethnicity")["documents"] == 3  # Amy, Bea, Cal
    assert not [t.key for t in everyone.tables if t.case_details]  # counts only: nothing withheld
    assert [t.key for t in everyone.tables] == ["by_question", "signed", "child_words", "duplicates"]
    # The leader asking for team 2 alone: none of these children are team 2's.
    team2 = report(sessions("leader"), team="teams/2", **JUNE)
    assert not [r for r in rows(team2, "by_question") if r["template"] == CASE_NOTE]
    assert question(team2, "Child's details", "Ethnicity")["documents"] == 0
    with pytest.raises(ServiceError) as exc:
        report(sessions("leader"), team="teams/3", **JUNE)
    assert exc.value.code == "PERMISSION_DENIED"


def test_signatures_beyond_the_author(council, sessions):
    signed = {r["kind"]: r for r in rows(report(sessions("leader"), **JUNE), "signed")}
    note = signed["Note"]
    # 10 notes: 1 leader (note 1), 1 parent (note 2), young person + professional (note 3), 7 author only.
    assert (note["completed"], note["unsigned"], note["author_only"], note["team_leader"], note["family"],
            note["professional"]) == (10, 0, 7, 1, 2, 1)
    assert note["beyond_author"] == pytest.approx(0.3) and note["team_leader_share"] == pytest.approx(0.1)
    assert note["family_share"] == pytest.approx(0.2)
    assert (signed["Review"]["completed"], signed["Review"]["author_only"]) == (3, 3)
    every = signed["Every kind"]  # 13 documents, 3 signed beyond the author
    assert (every["completed"], every["author_only"]) == (13, 10)
    assert every["beyond_author"] == pytest.approx(3 / 13)


def test_the_childs_own_words_in_reviews(council, sessions):
    words = {r["template"]: r for r in rows(report(sessions("leader"), **JUNE), "child_words")}
    review = words[REVIEW]
    # 3 reviews: words directly (1), words with no "how" (1), declined (no words).
    assert (review["completed"], review["with_words"], review["direct"], review["via_parent"],
            review["interpretation"], review["how_not_recorded"]) == (3, 2, 1, 0, 0, 1)
    assert review["share"] == pytest.approx(2 / 3) and review["flag"] == ""
    assert CASE_NOTE not in words and "Case Note" not in words  # notes are neither assessments nor reviews
    assert words["Every assessment and review"]["with_words"] == 2


def test_duplicates_refused_and_merged_counted_once(duplicates, sessions):
    mine = {r["team"]: r for r in rows(report(sessions("leader")), "duplicates")}
    # Team 1 (duty): Ellis matched, Nell's NHS number, Ellis at the front door = 3 children; the
    # twin note = 1 document; Fay and Gus merged = 2, Gus undone = 1. Team 3's refusal is not theirs.
    assert set(mine) == {"teams/1"}
    assert (mine["teams/1"]["children_refused"], mine["teams/1"]["documents_refused"],
            mine["teams/1"]["merged"], mine["teams/1"]["undone"]) == (3, 1, 2, 1)
    every = {r["team"]: r for r in rows(report(sessions("perf")), "duplicates")}
    # worker2's attempt on a record they cannot see: counted once, against team 3.
    assert (every["teams/3"]["children_refused"], every["teams/3"]["documents_refused"],
            every["teams/3"]["merged"]) == (1, 0, 0)
    assert every["teams/1"]["children_refused"] == 3
    # The June period saw none of it.
    assert not rows(report(sessions("perf"), **JUNE), "duplicates")


def test_disposing_of_a_child_takes_their_refusals_with_them(duplicates, stack):
    """Retention deletes what follows from the child's record by foreign key: Ellis's three
    refusals (two as a child, one twin note) are among the rows it would delete."""
    ellis = int(duplicates.name.removeprefix("people/"))
    db = Database(stack.config["records"].database_url)
    try:
        doomed, refusals = db.read_sync(lambda s: (
            retention._rows_about(s, {ellis}).get("duplicate_refusals", set()),
            set(s.scalars(select(DuplicateRefusal.id).where(DuplicateRefusal.person_id == ellis)))))
    finally:
        db.dispose()
    # duty's and worker2's attempts, the front door's, and the twin note: 4 rows about Ellis.
    assert len(refusals) == 4 and doomed == refusals


def test_bad_requests_are_refused_plainly(sessions):
    perf = sessions("perf")
    with pytest.raises(ServiceError) as exc:
        call(perf, "GetReport", rpb.GetReportRequest(name="recording_qualty"))
    assert exc.value.code == "INVALID_ARGUMENT" and "no report called 'recording_qualty'" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        report(perf, from_date="2025-07-01", to_date="2025-06-01")
    assert exc.value.code == "INVALID_ARGUMENT"
    assert exc.value.message.startswith("The period starts (2025-07-01) after it ends (2025-06-01)")
    with pytest.raises(ServiceError) as exc:
        report(sessions("worker"))
    assert exc.value.code == "PERMISSION_DENIED"


def test_a_corrected_record_counts_once_as_its_new_version(sessions):
    """A case note completed, then corrected by a new version that is completed too: the report
    counts one note, as the new version says it (the first version is history)."""
    duty = sessions("duty")
    dee = child(duty, "Dee", "Rowan", "2013-05-05")
    first = completed(duty, dee, "case-note", "2025-03-10", **case_note(1) | {
        "note_date": a("2025-03-10"), "who_present": a("Mother")})
    draft = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=dee.name, template_id="case-note", supersedes=first.name, start_date="2025-03-10",
        answers=case_note(1) | {"note_date": a("2025-03-10"), "who_present": status(NOT_KNOWN)}))
    march = dict(from_date="2025-03-01", to_date="2025-03-31")
    # While the new version is unfinished, the completed first version is the record.
    assert counts(question(report(sessions("manager"), **march), CASE_NOTE, "Who was present"))[:4] == (1, 0, 1, 0)
    call(duty, "EndDocument", pb.EndDocumentRequest(name=draft.name, etag=draft.etag,
                                                    state=pb.DOCUMENT_STATE_COMPLETED))
    # (counted, hidden, answered, not known): one note, which now says "not known".
    assert counts(question(report(sessions("manager"), **march), CASE_NOTE, "Who was present"))[:4] == (1, 0, 0, 1)

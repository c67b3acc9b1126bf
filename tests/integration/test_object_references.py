"""Issue 5: object references. Changing an id in a request never reveals another child.

A social worker (Children in Need North) sees child A, recorded by their team. B is held by
another team (Duty and Assessment); C (and C's parent) were recorded by the worker's own team and
then restricted by a manager. Each has a referral, a document with an attachment, a relationship, a household, a
plan, a looked-after period with a placement, and (C) a grant. For every records RPC whose request
names a child or one of a child's resources, hypothesis picks which names to swap for B's or C's
(or for ids that do not exist; the other names stay A's), and the test asserts:

- the answer is exactly the answer for ids that do not exist (NOT_FOUND with the same message, the
  id swapped; or, for a list filtered by child, the same empty list; or PERMISSION_DENIED where
  the worker's role cannot do the thing to any child at all);
- nothing about B or C appears in it (their names, or resource names the request did not send);
- B's and C's records, as their manager reads them, are unchanged, and their access reports show
  nothing done by the worker.

BreakGlass is left out on purpose: it is the documented way for a worker to open another team's
open or restricted record in an emergency (the permission matrix covers it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from google.protobuf import field_mask_pb2, text_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ics.records.v1 import records_pb2 as pb
from services.common.dates import today_london
from tui.core.errors import ServiceError
from tests.helpers import a, call

KINDS = ("person", "referral", "document", "attachment", "relationship", "household", "plan", "outcome",
         "care_period", "placement", "grant", "other")
PREFIX = {"person": "people", "referral": "referrals", "document": "documents", "attachment": "attachments",
          "relationship": "relationships", "household": "households", "plan": "plans", "outcome": "outcomes",
          "care_period": "care-periods", "placement": "placements", "grant": "grants", "other": "people"}
MISSING, MISSING_TOO = 999999999, 999999998


@dataclass
class Refs:
    """A child's resource names, and the etags a well-formed change would send."""
    label: str
    names: dict[str, str]
    etags: dict[str, str]
    given: str = ""
    family: str = ""


def missing(number: int, etags: dict[str, str]) -> Refs:
    # "other" is a second person: another missing id, so a request naming both stays well formed.
    return Refs(f"missing{number}", {k: f"{PREFIX[k]}/{number - (k == 'other') * 10}" for k in KINDS}, dict(etags))


def _carer(leader):
    from ics.records.v1 import records_pb2 as rpb
    return call(leader, "CreateCarer", rpb.CreateCarerRequest(carer=rpb.Carer(
        kind="foster_carer", display_name=f"Ann Carer {uuid.uuid4().hex[:4]}", postcode="ZZ1 1ZZ",
        urn=f"SC{uuid.uuid4().int % 10**6:06d}")))


def build(label: str, recorder, decider, carer_name: str, with_grant_of=None) -> Refs:
    given, family = f"Ref{label}", f"Objref{label}{uuid.uuid4().hex[:8]}"
    today = today_london().isoformat()
    first = recorder.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name=given, family_name=family, date_of_birth="2013-05-05", sex=pb.SEX_FEMALE,
                             postcode="ZZ3 3ZZ"),
        source=pb.CONTACT_SOURCE_SCHOOL, reason=f"Objref {label}: school concern", confirmed_not_duplicate=True))
    person = first.person.name
    decider.decide_referral(first.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Needs an assessment")
    awaiting = recorder.record_contact(pb.RecordContactRequest(person=person, source=pb.CONTACT_SOURCE_POLICE,
                                                               reason=f"Objref {label}: police"))
    doc = call(recorder, "CreateDocument", pb.CreateDocumentRequest(person=person, template_id="single-assessment"))
    attachment = call(recorder, "AddAttachment", pb.AddAttachmentRequest(attachment=pb.Attachment(
        document=doc.name, filename="drawing.png", media_type="image/png", kind="drawing", provenance="direct",
        description=f"{given}'s drawing", content=b"\x89PNG\r\n\x1a\n" + bytes(range(64)))))
    other = call(recorder, "CreatePerson", pb.CreatePersonRequest(confirmed_not_duplicate=True, person=pb.Person(
        given_name=f"Parent{label}", family_name=family, date_of_birth="1990-01-01", sex=pb.SEX_FEMALE)))
    relationship = call(recorder, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=person, other=other.name, type_code="mothers_partner", lives_with_child=True)))
    household = call(recorder, "CreateHousehold", pb.CreateHouseholdRequest(
        household=pb.Household(address=f"{label} Synthetic Row", postcode="ZZ3 3ZZ"), members=[person],
        from_date="2020-01-01", request_id=str(uuid.uuid4())))
    plan = call(recorder, "CreatePlan", pb.CreatePlanRequest(person=person, kind="child_in_need", outcomes=[
        pb.NewOutcome(text=f"{given} goes to school every day and arrives on time", actions=[
            pb.PlanAction(who="Mum", what="Walk to school each morning", by_when="2030-12-18")])]))
    period = call(recorder, "StartCare", pb.StartCareRequest(child=person, start_date=today, legal_status="V2",
                                                             category_of_need="N1", request_id=str(uuid.uuid4())))
    placement = call(recorder, "StartPlacement", pb.StartPlacementRequest(placement=pb.Placement(
        child=person, carer=carer_name, start_date=today, placement_type="U1", provider="PR1")))
    names = {"person": person, "referral": awaiting.referral.name, "document": doc.name,
             "attachment": attachment.name, "relationship": relationship.name, "household": household.name,
             "plan": plan.name, "outcome": plan.outcomes[0].name, "care_period": period.name,
             "placement": placement.name, "grant": "grants/999999997", "other": other.name}
    etags = {"person": first.person.etag, "document": doc.etag, "relationship": relationship.etag,
             "household": household.etag, "plan": plan.etag, "care_period": period.etag, "placement": placement.etag}
    return Refs(label, names, etags, given, family)


@pytest.fixture(scope="module")
def cast(sessions):
    worker, duty, leader, manager = sessions("worker"), sessions("duty"), sessions("leader"), sessions("manager")
    carer = _carer(leader)
    child_a = build("A", worker, leader, carer.name)
    child_b = build("B", duty, duty, carer.name)
    child_c = build("C", worker, leader, carer.name)
    for restricted in (child_c.names["person"], child_c.names["other"]):  # C, and C's parent
        etag = manager.get_person(restricted).etag
        call(manager, "SetRecordAccess", pb.SetRecordAccessRequest(
            person=restricted, access_level=pb.ACCESS_LEVEL_RESTRICTED, reason="A staff member's family",
            etag=etag))
    kept = call(manager, "ListRecordGrants", pb.ListRecordGrantsRequest(person=child_c.names["person"])).grants
    child_c.names["grant"] = kept[0].name
    # The worker sees A, and neither B nor C.
    assert worker.get_person(child_a.names["person"]).name == child_a.names["person"]
    for hidden in (child_b, child_c):
        with pytest.raises(ServiceError) as exc:
            worker.get_person(hidden.names["person"])
        assert exc.value.code == "NOT_FOUND"
    return worker, manager, child_a, {"B": child_b, "C": child_c}


def _mask(*paths):
    return field_mask_pb2.FieldMask(paths=list(paths))


TODAY = today_london().isoformat()
# name -> (request builder over the refs for each slot, the slots it names, what a refusal looks like:
# NF NOT_FOUND / LIST an empty list / PD the worker's role cannot do it at all)
RPCS = {
    "GetPerson": (lambda r: pb.GetPersonRequest(name=r["person"].names["person"]), ("person",), "NF"),
    "UpdatePerson": (lambda r: pb.UpdatePersonRequest(person=pb.Person(
        name=r["person"].names["person"], postcode="ZZ9 1AA", etag=r["person"].etags["person"]),
        update_mask=_mask("postcode")), ("person",), "NF"),
    "RecordContact": (lambda r: pb.RecordContactRequest(
        person=r["person"].names["person"], source=pb.CONTACT_SOURCE_SCHOOL, reason="Objref: contact",
        request_id=str(uuid.uuid4())), ("person",), "NF"),
    "GetReferral": (lambda r: pb.GetReferralRequest(name=r["referral"].names["referral"]), ("referral",), "NF"),
    "ListReferrals": (lambda r: pb.ListReferralsRequest(person=r["person"].names["person"]), ("person",), "LIST"),
    "DecideReferral": (lambda r: pb.DecideReferralRequest(
        name=r["referral"].names["referral"], decision=pb.REFERRAL_DECISION_ASSESSMENT, reason="Objref"),
        ("referral",), "PD"),
    "CreateDocument": (lambda r: pb.CreateDocumentRequest(
        person=r["person"].names["person"], template_id="single-assessment"), ("person",), "NF"),
    "GetDocument": (lambda r: pb.GetDocumentRequest(name=r["document"].names["document"]), ("document",), "NF"),
    "ListDocuments": (lambda r: pb.ListDocumentsRequest(person=r["person"].names["person"]), ("person",), "LIST"),
    "UpdateDocument": (lambda r: pb.UpdateDocumentRequest(
        name=r["document"].names["document"], answers={"reason": a("Objref: changed")},
        etag=r["document"].etags["document"]), ("document",), "NF"),
    "EndDocument": (lambda r: pb.EndDocumentRequest(
        name=r["document"].names["document"], state=pb.DOCUMENT_STATE_CANCELLED, reason="Objref: not needed",
        etag=r["document"].etags["document"]), ("document",), "NF"),
    "CopyDocumentToSiblings": (lambda r: pb.CopyDocumentToSiblingsRequest(
        name=r["document"].names["document"], siblings=[r["person"].names["person"]]), ("document", "person"), "NF"),
    "AddAttachment": (lambda r: pb.AddAttachmentRequest(attachment=pb.Attachment(
        document=r["document"].names["document"], filename="x.png", media_type="image/png", kind="drawing",
        provenance="direct", description="Objref drawing", content=b"\x89PNG\r\n\x1a\n")), ("document",), "NF"),
    "GetAttachment": (lambda r: pb.GetAttachmentRequest(name=r["attachment"].names["attachment"]),
                      ("attachment",), "NF"),
    "SubmitDocument": (lambda r: pb.ReviewDocumentRequest(
        name=r["document"].names["document"], etag=r["document"].etags["document"]), ("document",), "NF"),
    "ApproveDocument": (lambda r: pb.ReviewDocumentRequest(
        name=r["document"].names["document"], etag=r["document"].etags["document"]), ("document",), "NF"),
    "ReturnDocument": (lambda r: pb.ReviewDocumentRequest(
        name=r["document"].names["document"], etag=r["document"].etags["document"], comments="Objref: redo"),
        ("document",), "NF"),
    "AppendToDocument": (lambda r: pb.AppendToDocumentRequest(name=r["document"].names["document"],
                                                              text="Objref: added"), ("document",), "NF"),
    "SignDocument": (lambda r: pb.SignDocumentRequest(name=r["document"].names["document"], role="social_worker",
                                                      method="electronic"), ("document",), "NF"),
    "ExportDocument": (lambda r: pb.ExportDocumentRequest(name=r["document"].names["document"]),
                       ("document",), "NF"),
    "RecordOutput": (lambda r: pb.RecordOutputRequest(subject=r["document"].names["document"], what="Objref copy",
                                                      destination="a saved file"), ("document",), "NF"),
    "CreateRelationship": (lambda r: pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=r["person"].names["person"], other=r["other"].names["other"], type_code="unknown")),
        ("person", "other"), "NF"),
    "ListRelationships": (lambda r: pb.ListRelationshipsRequest(child=r["person"].names["person"]), ("person",), "NF"),
    "UpdateRelationship": (lambda r: pb.UpdateRelationshipRequest(relationship=pb.Relationship(
        name=r["relationship"].names["relationship"], etag=r["relationship"].etags["relationship"],
        lives_with_child=False), update_mask=_mask("lives_with_child")), ("relationship",), "NF"),
    "CreateHousehold": (lambda r: pb.CreateHouseholdRequest(
        household=pb.Household(address="Objref Row", postcode="ZZ4 4ZZ"), members=[r["person"].names["person"]],
        request_id=str(uuid.uuid4())), ("person",), "NF"),
    "GetHousehold": (lambda r: pb.GetHouseholdRequest(name=r["household"].names["household"]), ("household",), "NF"),
    "ListHouseholds": (lambda r: pb.ListHouseholdsRequest(person=r["person"].names["person"]), ("person",), "NF"),
    "JoinHousehold": (lambda r: pb.JoinHouseholdRequest(
        name=r["household"].names["household"], person=r["person"].names["person"],
        etag=r["household"].etags["household"]), ("household", "person"), "NF"),
    "LeaveHousehold": (lambda r: pb.LeaveHouseholdRequest(
        name=r["household"].names["household"], person=r["person"].names["person"], to_date=TODAY,
        etag=r["household"].etags["household"]), ("household", "person"), "NF"),
    "UpdateHouseholdFacts": (lambda r: pb.UpdateHouseholdFactsRequest(
        name=r["household"].names["household"], etag=r["household"].etags["household"],
        facts={"pen_picture": a("Objref: two children with their mother.")}), ("household",), "NF"),
    "AllocateWorker": (lambda r: pb.AllocateWorkerRequest(allocation=pb.Allocation(
        person=r["person"].names["person"], worker="users/1", worker_display_name="Objref")), ("person",), "PD"),
    "ListAllocations": (lambda r: pb.ListAllocationsRequest(person=r["person"].names["person"]), ("person",), "NF"),
    "ListEpisodes": (lambda r: pb.ListEpisodesRequest(person=r["person"].names["person"]), ("person",), "NF"),
    "CreatePlan": (lambda r: pb.CreatePlanRequest(person=r["person"].names["person"], kind="child_in_need", outcomes=[
        pb.NewOutcome(text="Goes to school every day and arrives on time", actions=[
            pb.PlanAction(who="Mum", what="Walk to school", by_when="2030-12-01")])]), ("person",), "NF"),
    "GetPlan": (lambda r: pb.GetPlanRequest(name=r["plan"].names["plan"]), ("plan",), "NF"),
    "UpdateAction": (lambda r: pb.UpdateActionRequest(
        plan=r["plan"].names["plan"], outcome=r["outcome"].names["outcome"],
        action=pb.PlanAction(who="School", what="Ring home", by_when="2030-12-01")), ("plan", "outcome"), "NF"),
    "RecordReview": (lambda r: pb.RecordReviewRequest(plan=r["plan"].names["plan"], etag=r["plan"].etags["plan"],
                                                      review_date=TODAY), ("plan",), "NF"),
    "EndPlan": (lambda r: pb.EndPlanRequest(name=r["plan"].names["plan"], reason="Objref: ended",
                                            etag=r["plan"].etags["plan"]), ("plan",), "NF"),
    "GetOutcomeProgress": (lambda r: pb.GetOutcomeProgressRequest(person=r["person"].names["person"]),
                           ("person",), "NF"),
    "StartPlacement": (lambda r: pb.StartPlacementRequest(placement=pb.Placement(
        child=r["person"].names["person"], carer="carers/1", start_date=TODAY, placement_type="U1",
        provider="PR1")), ("person",), "NF"),
    "EndPlacement": (lambda r: pb.EndPlacementRequest(
        name=r["placement"].names["placement"], end_date=TODAY, end_reason="CARPL",
        etag=r["placement"].etags["placement"]), ("placement",), "NF"),
    "ListPlacements": (lambda r: pb.ListPlacementsRequest(child=r["person"].names["person"]), ("person",), "NF"),
    "StartCare": (lambda r: pb.StartCareRequest(child=r["person"].names["person"], start_date=TODAY,
                                                legal_status="V2", category_of_need="N1",
                                                request_id=str(uuid.uuid4())), ("person",), "NF"),
    "ChangeLegalStatus": (lambda r: pb.ChangeLegalStatusRequest(
        name=r["care_period"].names["care_period"], legal_status="C2", start_date=TODAY,
        etag=r["care_period"].etags["care_period"]), ("care_period",), "NF"),
    "EndCare": (lambda r: pb.EndCareRequest(
        name=r["care_period"].names["care_period"], end_date=TODAY, end_reason="E13",
        etag=r["care_period"].etags["care_period"]), ("care_period",), "NF"),
    "ListCarePeriods": (lambda r: pb.ListCarePeriodsRequest(child=r["person"].names["person"]), ("person",), "NF"),
    "GetCaseStory": (lambda r: pb.GetCaseStoryRequest(person=r["person"].names["person"]), ("person",), "NF"),
    "GetChronology": (lambda r: pb.GetChronologyRequest(person=r["person"].names["person"]), ("person",), "NF"),
    "AddChronologyEntry": (lambda r: pb.AddChronologyEntryRequest(
        person=r["person"].names["person"], entry=pb.ChronologyEntry(date=TODAY, title="Objref entry")),
        ("person",), "NF"),
    "SetRecordAccess": (lambda r: pb.SetRecordAccessRequest(
        person=r["person"].names["person"], access_level=pb.ACCESS_LEVEL_OPEN, reason="Objref",
        etag=r["person"].etags["person"]), ("person",), "PD"),
    "GrantRecordAccess": (lambda r: pb.GrantRecordAccessRequest(
        person=r["person"].names["person"], user="users/2", reason="Objref", request_id=str(uuid.uuid4())),
        ("person",), "PD"),
    "RevokeRecordAccess": (lambda r: pb.RevokeRecordAccessRequest(name=r["grant"].names["grant"], reason="Objref"),
                           ("grant",), "PD"),
    "ListRecordGrants": (lambda r: pb.ListRecordGrantsRequest(person=r["person"].names["person"]), ("person",), "PD"),
    "GetAccessReport": (lambda r: pb.GetAccessReportRequest(person=r["person"].names["person"]), ("person",), "PD"),
    "MergePeople": (lambda r: pb.MergePeopleRequest(keep=r["other"].names["other"], duplicate=r["person"].names["person"],
                                                    reason="Objref"), ("person", "other"), "PD"),
    "PlaceLegalHold": (lambda r: pb.PlaceLegalHoldRequest(person=r["person"].names["person"], reason="Objref"),
                       ("person",), "PD"),
}


def _answer(client, method: str, request) -> tuple[str, str]:
    try:
        reply = call(client, method, request)
        return "OK", text_format.MessageToString(reply, as_one_line=True)
    except ServiceError as exc:
        return exc.code, exc.message + (f" {sorted(exc.violations.items())}" if exc.violations else "")


def _swap(text: str, refs: Refs, to: Refs, slots) -> str:
    # Longest names first, so people/12 never rewrites part of people/123.
    pairs = sorted(((refs.names[s], to.names[s]) for s in slots), key=lambda p: -len(p[0]))
    for old, new in pairs:
        text = text.replace(old, new)
    return text


def snapshot(manager, refs: Refs) -> dict[str, str]:
    """The child's record as their manager reads it (reads only; no access report)."""
    n = refs.names
    reads = {
        "person": ("GetPerson", pb.GetPersonRequest(name=n["person"])),
        "chronology": ("GetChronology", pb.GetChronologyRequest(person=n["person"])),
        "referrals": ("ListReferrals", pb.ListReferralsRequest(person=n["person"])),
        "documents": ("ListDocuments", pb.ListDocumentsRequest(person=n["person"])),
        "document": ("GetDocument", pb.GetDocumentRequest(name=n["document"])),
        "relationships": ("ListRelationships", pb.ListRelationshipsRequest(child=n["person"])),
        "households": ("ListHouseholds", pb.ListHouseholdsRequest(person=n["person"])),
        "plan": ("GetPlan", pb.GetPlanRequest(name=n["plan"])),
        "care": ("ListCarePeriods", pb.ListCarePeriodsRequest(child=n["person"])),
        "placements": ("ListPlacements", pb.ListPlacementsRequest(child=n["person"])),
        "allocations": ("ListAllocations", pb.ListAllocationsRequest(person=n["person"])),
        "episodes": ("ListEpisodes", pb.ListEpisodesRequest(person=n["person"])),
        "grants": ("ListRecordGrants", pb.ListRecordGrantsRequest(person=n["person"], include_ended=True)),
    }
    return {key: text_format.MessageToString(call(manager, method, request), as_one_line=True)
            for key, (method, request) in reads.items()}


def _worker_lines(manager, refs: Refs, worker_name: str) -> list[str]:
    report = call(manager, "GetAccessReport", pb.GetAccessReportRequest(person=refs.names["person"]))
    return [f"{line.who}: {line.what}" for line in report.lines if line.who == worker_name]


@pytest.fixture(scope="module")
def before(cast):
    worker, manager, _, hidden = cast
    return {label: (snapshot(manager, refs), _worker_lines(manager, refs, worker.session.user.display_name))
            for label, refs in hidden.items()}


def test_every_rpc_refuses_every_hidden_child_like_a_missing_one(cast, before):
    """Every RPC once, every slot swapped at once, for B, C and a second missing id."""
    worker, manager, child_a, hidden = cast
    problems = []
    for method in RPCS:
        slots = RPCS[method][1]
        for target in (*hidden.values(), missing(MISSING_TOO, child_a.etags)):
            # Every name swapped, and where there are several, each alone (the rest A's).
            for chosen in (slots, *([(s,) for s in slots] if len(slots) > 1 else [])):
                problems += _check(worker, method, child_a, target, chosen)
    for label, refs in hidden.items():
        if snapshot(manager, refs) != before[label][0]:
            problems.append(f"{label}'s record changed")
        # (C was recorded by the worker's team before it was restricted: only new lines count.)
        if (lines := _worker_lines(manager, refs, worker.session.user.display_name)) != before[label][1]:
            problems.append(f"{label}'s access report shows the worker: {lines[len(before[label][1]):]}")
    assert not problems, "\n".join(problems)


def _check(worker, method: str, child_a: Refs, target: Refs, slots) -> list[str]:
    build, _, refusal = RPCS[method]
    absent = missing(MISSING, target.etags)
    chosen = {k: (target if k in slots else child_a) for k in KINDS}
    reference = {k: (absent if k in slots else child_a) for k in KINDS}
    code, text = _answer(worker, method, build(chosen))
    ref_code, ref_text = _answer(worker, method, build(reference))
    where = f"{method} with {', '.join(slots)} of {target.label}"
    problems = []
    allowed = {"NF": {"NOT_FOUND"}, "LIST": {"OK", "NOT_FOUND"}, "PD": {"PERMISSION_DENIED"}}[refusal]
    if code not in allowed:
        problems.append(f"{where}: answered {code} {text!r}, expected {'/'.join(sorted(allowed))}")
    if (code, _swap(text, target, absent, slots)) != (ref_code, ref_text):
        problems.append(f"{where}: answered {code} {text!r}; for ids that do not exist {ref_code} {ref_text!r}")
    if target.family and (target.family.lower() in text.lower() or target.given in text):
        problems.append(f"{where}: the answer names {target.label}: {text!r}")
    sent = {target.names[s] for s in slots}
    for kind, name in target.names.items():
        if name not in sent and name not in child_a.names.values() and f"{name} " in f"{text} ":
            problems.append(f"{where}: the answer mentions {target.label}'s {name}, not asked for: {text!r}")
    return problems


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_swapping_ids_never_reveals_another_child(cast, before, data):
    """Hypothesis picks the RPC, whose child (B, C, or none) and which of the names it sends to swap."""
    worker, manager, child_a, hidden = cast
    method = data.draw(st.sampled_from(sorted(RPCS)), label="rpc")
    label = data.draw(st.sampled_from(["B", "C", "missing"]), label="target")
    slots = RPCS[method][1]
    chosen = data.draw(st.lists(st.sampled_from(slots), min_size=1, unique=True), label="slots")
    target = hidden[label] if label in hidden else missing(MISSING_TOO, child_a.etags)
    problems = _check(worker, method, child_a, target, tuple(chosen))
    if label in hidden:
        if snapshot(manager, target) != before[label][0]:
            problems.append(f"{label}'s record changed after {method}")
    assert not problems, "\n".join(problems)

"""The case story (R-NARRATIVE): referral to closure read as one narrative, in plain sentences a
screen reader speaks cleanly — the report found the old records "did not tell the story" (L207)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import human
from services.common.names import make_name, parse_name
from services.records import access, audit, people
from services.records.documents import STORY_QUESTIONS, latest_story
from services.records.frontdoor import DECISION_LABELS
from services.records.models import Contact, Document, Episode, OutcomeReview, Plan, PlanOutcome, Referral

# The narrative parts of any template: the family pen picture, the key case summary, and analysis.
STORY_SECTIONS = ("analysis",)
PROGRESS_WORDS = {pb.PROGRESS_ACHIEVED: "achieved", pb.PROGRESS_PARTLY: "partly achieved",
                  pb.PROGRESS_NOT_YET: "not yet achieved", pb.PROGRESS_NO_LONGER_RELEVANT: "no longer relevant"}


def _document_paragraph(document: Document, library) -> str:
    when = human(document.ended_at.date()) if document.ended_at else human(document.start_date)
    lines = [f"{document.title}, completed {when} by {document.author_name}."]
    try:
        template = library.get(document.template_id, document.template_version)
    except KeyError:
        template = None
    answers = json.loads(document.answers_json)
    if template is not None:
        for section in template.sections:
            for q in section.questions:
                answer = answers.get(q.id, {})
                if answer.get("value") and (q.id in STORY_QUESTIONS or section.id in STORY_SECTIONS):
                    lines.append(f"{q.label}: {answer['value']}")
    return "\n".join(lines)


def tell(session: Session, principal: Principal, library, person_name: str) -> pb.CaseStory:
    access.require_read(principal, "read case stories")
    person = people.get_visible(session, principal, parse_name(person_name, "people", "person"))
    paragraphs = [f"The story of {people.display_name(person)}."]
    for episode in session.scalars(select(Episode).where(Episode.person_id == person.id).order_by(Episode.id)):
        for referral in session.scalars(select(Referral).where(Referral.episode_id == episode.id).order_by(Referral.id)):
            contact = session.get(Contact, referral.contact_id)
            again = " This was a re-referral." if referral.re_referral else ""
            text = f"On {human(referral.received_date)} we were told: {contact.reason}{again}"
            if referral.decided_date:
                text += (f" On {human(referral.decided_date)} {referral.decided_by_name} decided: "
                         f"{DECISION_LABELS.get(referral.decision, 'decided')}, because {referral.decision_reason}")
            paragraphs.append(text)
        for document in session.scalars(select(Document).where(
                Document.episode_id == episode.id, Document.state == pb.DOCUMENT_STATE_COMPLETED).order_by(Document.id)):
            paragraphs.append(_document_paragraph(document, library))
        if episode.state == pb.EPISODE_STATE_CLOSED:
            paragraphs.append(f"The case was closed on {human(episode.closed_date)}.")
    for plan in session.scalars(select(Plan).where(Plan.person_id == person.id).order_by(Plan.id)):
        for outcome in session.scalars(select(PlanOutcome).where(PlanOutcome.plan_id == plan.id).order_by(PlanOutcome.id)):
            reviews = session.scalars(select(OutcomeReview).where(OutcomeReview.outcome_id == outcome.id)
                                      .order_by(OutcomeReview.review_date)).all()
            if reviews:
                said = "; ".join(f"{PROGRESS_WORDS.get(r.progress, 'reviewed')} by {human(r.review_date)}"
                                 for r in reviews)
                paragraphs.append(f"Outcome hoped for: {outcome.text}. Progress: {said}.")
    audit.record(session, principal, "read", f"people/{person.id}/story", [person.id])
    latest = latest_story(session, person.id)
    return pb.CaseStory(person=make_name("people", person.id), text="\n\n".join(paragraphs),
                        pen_picture=_story_part(session, latest.get("pen_picture")),
                        key_case_summary=_story_part(session, latest.get("key_case_summary")))


def _story_part(session: Session, carried: dict | None) -> pb.StoryPart | None:
    if not carried:
        return None
    source, when = carried["from"], carried["recorded_date"]
    if source.startswith("documents/"):
        document = session.get(Document, parse_name(source, "documents"))
        said = f"from the {document.title} completed {human(date.fromisoformat(when)) if when else 'on a day not known'}"
    else:
        said = f"shared by the household, recorded {human(date.fromisoformat(when)) if when else 'on a day not known'}"
    return pb.StoryPart(value=carried["value"], source=source, recorded_date=when, said_where=said)

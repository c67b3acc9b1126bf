"""Writing a document from its template, as both front ends do it: the questions that apply now
(the template's pathways, the same `Template.visible` the records service checks), each answer
read from what the worker typed — a value, a choice by number or name, or a status such as "not
known" — and saved at once (the document is its own draft, so nothing typed is lost), then
submitted to a team leader or completed. Never imports Textual."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as rpb
from services.records.template_library import Question, Template, from_definition
from tui.core.errors import ServiceError
from tui.core.forms import Field

ANSWERED = cpb.ANSWER_STATUS_ANSWERED
# Words a worker types instead of an answer, and the status each records (R-ANSWER-STATUS:
# "not known" is never the same as a blank).
STATUS_WORDS = {
    "not known": cpb.ANSWER_STATUS_NOT_KNOWN, "unknown": cpb.ANSWER_STATUS_NOT_KNOWN,
    "don't know": cpb.ANSWER_STATUS_NOT_KNOWN, "not applicable": cpb.ANSWER_STATUS_NOT_APPLICABLE,
    "n/a": cpb.ANSWER_STATUS_NOT_APPLICABLE, "declined": cpb.ANSWER_STATUS_DECLINED,
}
STATUS_SAID = {cpb.ANSWER_STATUS_NOT_KNOWN: "not known", cpb.ANSWER_STATUS_NOT_APPLICABLE: "not applicable",
               cpb.ANSWER_STATUS_DECLINED: "declined"}
TYPE_HINTS = {"date": "a date as YYYY-MM-DD", "number": "a number", "yes_no": "yes or no"}


@dataclass
class Reading:
    """What the worker typed, read as an answer, or why it could not be."""
    answer: cpb.Answer | None = None
    problem: str = ""


class DocumentEditor:
    def __init__(self, client, document: rpb.Document, template: Template):
        self.client = client
        self.document = document
        self.template = template

    @classmethod
    def start(cls, client, person: str, template_id: str) -> "DocumentEditor":
        template = cls.template_for(client, template_id)
        document = client._call("records", client.records.CreateDocument, rpb.CreateDocumentRequest(
            person=person, template_id=template_id))
        return cls(client, document, template)

    @classmethod
    def open(cls, client, name: str) -> "DocumentEditor":
        document = client._call("records", client.records.GetDocument, rpb.GetDocumentRequest(name=name))
        return cls(client, document, cls.template_for(client, document.template_id, document.template_version))

    @staticmethod
    def template_for(client, template_id: str, version: int = 0) -> Template:
        reply = client._call("records", client.records.GetTemplate, rpb.GetTemplateRequest(
            template_id=template_id, version=version))
        return from_definition(json.loads(reply.definition_json))

    # -- what to ask -------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        return {k: a.value for k, a in self.document.answers.items() if a.status == ANSWERED}

    def questions(self) -> list[Question]:
        """Every question that applies to the answers so far, in the template's order."""
        return [q for _, questions in self.template.visible(self.values()) for q in questions]

    def unasked(self) -> list[Question]:
        return [q for q in self.questions() if self.document.answers.get(q.id, cpb.Answer()).status
                in (cpb.ANSWER_STATUS_UNSPECIFIED, cpb.ANSWER_STATUS_NOT_YET_ASKED)]

    def prompt(self, question: Question) -> str:
        """The question as one line: its label, whether it is required, how to answer, and the
        answer it has now (Enter keeps it)."""
        parts = [question.label + (", required" if question.mandatory else "")]
        if question.choices:
            parts.append("choose " + ", ".join(f"{n} {label}" for n, (_, label) in enumerate(question.choices, 1))
                         + (", several separated by commas" if question.type == "multi_choice" else ""))
        elif question.type in TYPE_HINTS:
            parts.append(f"type {TYPE_HINTS[question.type]}")
        current = self.document.answers.get(question.id)
        if current is not None and current.status == ANSWERED:
            parts.append(f"now {self.said(question, current)}")
        return ", ".join(parts) + ":"

    def said(self, question: Question, answer: cpb.Answer) -> str:
        if answer.status != ANSWERED:
            return STATUS_SAID.get(answer.status, "not asked yet")
        labels = dict(question.choices)
        return ", ".join(labels.get(v.strip(), v.strip()) for v in answer.value.split(",")) \
            if question.choices else answer.value

    def answered_lines(self) -> list[str]:
        """The document as it stands, question by question, for reading before approving."""
        lines = []
        for question in self.questions():
            answer = self.document.answers.get(question.id)
            if answer is not None and answer.status not in (cpb.ANSWER_STATUS_UNSPECIFIED,
                                                            cpb.ANSWER_STATUS_NOT_YET_ASKED):
                lines.append(f"{question.label}: {self.said(question, answer)}.")
        return lines or ["Nothing has been answered yet."]

    # -- reading and saving answers ------------------------------------------------------------
    def read(self, question: Question, typed: str) -> Reading:
        text = typed.strip()
        if text.lower() in STATUS_WORDS:
            return Reading(cpb.Answer(status=STATUS_WORDS[text.lower()]))
        if not text:
            return Reading(problem="empty")
        if question.choices:
            chosen = [self._choice(question, part) for part in
                      (text.split(",") if question.type == "multi_choice" else [text])]
            if None in chosen:
                return Reading(problem="Choose by number or by name: " + ", ".join(
                    f"{n} {label}" for n, (_, label) in enumerate(question.choices, 1)) + ".")
            text = ",".join(chosen)
        elif question.type == "yes_no":
            word = text.lower()
            if word in ("y", "yes"):
                text = "yes"
            elif word in ("n", "no"):
                text = "no"
        return Reading(cpb.Answer(value=text, status=ANSWERED))

    @staticmethod
    def _choice(question: Question, typed: str) -> str | None:
        wanted = typed.strip().lower()
        if wanted.isdigit() and 1 <= int(wanted) <= len(question.choices):
            return question.choices[int(wanted) - 1][0]
        for value, label in question.choices:
            if wanted in (value.lower(), label.lower()):
                return value
        starts = [value for value, label in question.choices if label.lower().startswith(wanted)]
        return starts[0] if len(starts) == 1 else None

    def _update(self, answers: dict[str, cpb.Answer]) -> ServiceError | None:
        """One UpdateDocument (all or nothing): None when saved, else the service's refusal."""
        try:
            self.document = self.client._call("records", self.client.records.UpdateDocument,
                                              rpb.UpdateDocumentRequest(name=self.document.name, answers=answers,
                                                                        etag=self.document.etag))
        except ServiceError as exc:
            return exc
        return None

    def save(self, question: Question, answer: cpb.Answer) -> str:
        """Saves one answer at once; "" when saved, else the service's reason in words."""
        refused = self._update({question.id: answer})
        if refused is None:
            return ""
        return refused.violations.get(f"answers.{question.id}") or refused.violations.get(question.id) \
            or refused.message

    def as_field(self, question: Question) -> Field:
        """The question as a form field the Textual screen lays out like any other."""
        hint = {"date": "YYYY-MM-DD", "number": "a number", "yes_no": "yes or no"}.get(question.type, "")
        hint = (hint + "; " if hint else "") + "or type not known, not applicable or declined"
        multiple = question.type == "multi_choice"
        choices = tuple((label, n) for n, (_, label) in enumerate(question.choices, 1))
        if choices and not multiple:
            # A choice can be "not known" as much as a typed answer can (R-ANSWER-STATUS); these
            # values never collide with a template's own choices, nor with "no such choice" (-1).
            choices += tuple((said.capitalize(), -100 - n) for n, said in enumerate(STATUS_SAID.values(), 1))
        help_text = ("Space takes or leaves the highlighted one; take several if they apply" if multiple
                     else "" if choices else hint)
        return Field(question.id, question.label, help_text, question.mandatory, choices,
                     multiline=question.type == "long_text", multiple=multiple)

    def shown(self, question: Question) -> str:
        """The answer as the form shows it: "" when not asked yet."""
        answer = self.document.answers.get(question.id)
        if answer is None or answer.status in (cpb.ANSWER_STATUS_UNSPECIFIED, cpb.ANSWER_STATUS_NOT_YET_ASKED):
            return ""
        return self.said(question, answer)

    def save_typed(self, typed: dict[str, str]) -> dict[str, str]:
        """Saves every changed answer in one call; returns the problems by question id (none
        saved then: the service takes all or nothing)."""
        questions = {q.id: q for q in self.questions()}
        answers, problems = {}, {}
        for key, text in typed.items():
            question = questions.get(key)
            if question is None or text.strip() == self.shown(question):
                continue
            reading = self.read(question, text) if text.strip() else Reading(
                cpb.Answer(status=cpb.ANSWER_STATUS_NOT_YET_ASKED))
            if reading.problem:
                problems[key] = reading.problem
            else:
                answers[key] = reading.answer
        if problems or not answers:
            return problems
        refused = self._update(answers)
        if refused is None:
            return {}
        return {k.removeprefix("answers."): v for k, v in refused.violations.items()} or {"": refused.message}

    def submit(self) -> rpb.Document:
        """To a team leader for approval: the identifying (mandatory) answers must be there."""
        self.document = self.client._call("records", self.client.records.SubmitDocument, rpb.ReviewDocumentRequest(
            name=self.document.name, etag=self.document.etag))
        return self.document

    def complete(self) -> rpb.Document:
        self.document = self.client._call("records", self.client.records.EndDocument, rpb.EndDocumentRequest(
            name=self.document.name, etag=self.document.etag, state=rpb.DOCUMENT_STATE_COMPLETED))
        return self.document

"""Form definitions shared by both front ends: the same fields, labels, help and choices,
so the Textual screen and the line mode ask for exactly the same things."""

from __future__ import annotations

from dataclasses import dataclass

from ics.records.v1 import records_pb2 as pb


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    help: str = ""
    required: bool = False
    choices: tuple[tuple[str, int], ...] = ()   # (label, enum value)
    multiline: bool = False
    multiple: bool = False                      # several choices may be taken at once


SEX_CHOICES = (("female", pb.SEX_FEMALE), ("male", pb.SEX_MALE), ("not known", pb.SEX_UNKNOWN),
               ("indeterminate", pb.SEX_INDETERMINATE))
SOURCE_CHOICES = (
    ("police", pb.CONTACT_SOURCE_POLICE), ("school", pb.CONTACT_SOURCE_SCHOOL),
    ("health", pb.CONTACT_SOURCE_HEALTH), ("family or friend", pb.CONTACT_SOURCE_FAMILY),
    ("anonymous", pb.CONTACT_SOURCE_ANONYMOUS), ("other agency", pb.CONTACT_SOURCE_OTHER_AGENCY),
    ("the child", pb.CONTACT_SOURCE_SELF), ("other", pb.CONTACT_SOURCE_OTHER),
)
DECISION_CHOICES = (
    ("no further action", pb.REFERRAL_DECISION_NO_FURTHER_ACTION),
    ("advice and signposting", pb.REFERRAL_DECISION_ADVICE_SIGNPOSTING),
    ("assessment", pb.REFERRAL_DECISION_ASSESSMENT),
    ("strategy discussion", pb.REFERRAL_DECISION_STRATEGY_DISCUSSION),
)

CHILD_FIELDS = (
    Field("given_name", "First name", "as the caller gave it"),
    Field("family_name", "Family name"),
    Field("date_of_birth", "Date of birth", "YYYY-MM-DD; the expected date for an unborn child", True),
    Field("sex", "Sex", "", True, SEX_CHOICES),
    Field("postcode", "Postcode"),
)
CONTACT_FIELDS = (
    Field("received_date", "Date received", "YYYY-MM-DD; leave empty for today"),
    Field("source", "Who contacted us", "", True, SOURCE_CHOICES),
    Field("reason", "Reason for contact", "why they contacted us, in their words", True, multiline=True),
    Field("details", "Details", "anything else the duty worker was told", multiline=True),
)
CONTACT_FORM = CHILD_FIELDS + CONTACT_FIELDS
DECISION_FORM = (
    Field("decision", "Decision", "", True, DECISION_CHOICES),
    Field("reason", "Reason for the decision", "", True, multiline=True),
)

EMERGENCY_FORM = (
    Field("child", "The child's record number or NHS number", "for example 1234, people/1234 or 943 476 5919",
          True),
    Field("reason", "Why this cannot wait", "your team leaders read this when they review it", True,
          multiline=True),
)


# Who signs a completed document from the front ends. The social worker and team leader signed
# electronically when it was completed; these are the others, in front of the worker or as
# themselves. (A printed copy signed elsewhere needs its scan attached, which is not done here.)
SIGN_CHOICES = (("a parent or carer, in front of me", 1), ("the child or young person, in front of me", 2),
                ("me, as another professional", 3))
SIGN_ROLES = {1: ("parent", "witnessed_in_person"), 2: ("young_person", "witnessed_in_person"),
              3: ("other_professional", "electronic")}
SIGN_FORM = (
    Field("who", "Who is signing", "", True, SIGN_CHOICES),
    Field("signer_name", "Their full name", "as they signed; not needed when you sign as yourself"),
)


def sign_request(document: str, values: dict[str, str]) -> pb.SignDocumentRequest:
    """The signature as typed; the records service checks it (a name is needed for a witnessed one)."""
    role, method = SIGN_ROLES.get(choice_value(SIGN_FORM[0], values.get("who", "")), ("", ""))
    return pb.SignDocumentRequest(name=document, role=role, method=method,
                                  signer_name=values.get("signer_name", "").strip() if method != "electronic" else "")


def choice_value(field: Field, text: str) -> int:
    """The enum for a typed choice: its label, a unique start of it, or its number in the list."""
    wanted = text.strip().lower()
    if not wanted:
        return 0
    if wanted.isdigit() and 1 <= int(wanted) <= len(field.choices):
        return field.choices[int(wanted) - 1][1]
    exact = [v for label, v in field.choices if label.lower() == wanted]
    if exact:
        return exact[0]
    starts = [v for label, v in field.choices if label.lower().startswith(wanted)]
    return starts[0] if len(starts) == 1 else -1


def choice_label(field: Field, value: int) -> str:
    return next((label for label, v in field.choices if v == value), "")


def _by_key(form: tuple[Field, ...]) -> dict[str, Field]:
    return {f.key: f for f in form}


def contact_request(values: dict[str, str], draft_name: str = "") -> pb.RecordContactRequest:
    """Builds the request from what was typed; the records service does the real validation."""
    fields = _by_key(CONTACT_FORM)
    request = pb.RecordContactRequest(
        received_date=values.get("received_date", "").strip(),
        source=max(0, choice_value(fields["source"], values.get("source", ""))),
        reason=values.get("reason", ""),
        details=values.get("details", ""),
        draft=draft_name,
        confirmed_not_duplicate=values.get("confirmed_not_duplicate") == "yes",
    )
    if values.get("person"):
        request.person = values["person"]
    else:
        request.new_person.CopyFrom(pb.Person(
            given_name=values.get("given_name", "").strip(),
            family_name=values.get("family_name", "").strip(),
            date_of_birth=values.get("date_of_birth", "").strip(),
            sex=max(0, choice_value(fields["sex"], values.get("sex", ""))),
            postcode=values.get("postcode", "").strip(),
        ))
    return request


def contact_title(values: dict[str, str]) -> str:
    who = " ".join(v for v in (values.get("given_name", ""), values.get("family_name", "")) if v).strip()
    return f"Contact about {who}" if who else "Contact (child not named yet)"

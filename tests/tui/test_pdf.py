"""PDF copies of documents (tui/core/pdf.py), against the real services: a draft, a Single
Assessment completed and signed by approval, one signed in person by a parent with a later
appendment, and the large-print edition, each rendered and read back with pypdf: the child's
name, the title, the dates and every signature as printed, "page N of M" on every page. A final
document without signatures cannot be produced, and the same outline always gives the same bytes."""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import subprocess
import sys
import uuid
from collections import Counter
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from tests.helpers import a, call
from tui.core.pdf import as_pdf
from tui.core.printing import LONDON, OutputError, OutputSettings, deliver, outline_of

NOW = datetime(2026, 11, 27, 21, 5, tzinfo=LONDON)
ANSWERS = {
    "assessment_start_date": a("2026-11-03"),
    "reason": a("School attendance has fallen to 60% this term and she has said she is often hungry."),
    "pen_picture": a("She lives with her mother and baby brother.\n\nShe loves drawing."),
    "key_case_summary": cpb.Answer(status=cpb.ANSWER_STATUS_NOT_KNOWN),
    "child_seen_alone": a("yes"),
    "decision": a("cin_plan"),
    "factors": a("1B,7A"),
}


def new_child(duty, given: str, family: str) -> pb.Person:
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name=given, family_name=f"{family}{uuid.uuid4().hex[:4]}",
                             date_of_birth="2017-09-09", sex=pb.SEX_FEMALE, postcode="ZZ3 3ZZ"),
        source=pb.CONTACT_SOURCE_SCHOOL, reason="Worried about attendance", confirmed_not_duplicate=True))
    return reply.person


def completed(duty, leader, child: pb.Person) -> pb.Document:
    """Written by duty, submitted, approved by the team leader: both sign by doing it."""
    doc = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="single-assessment",
                                                                 answers=ANSWERS))
    doc = call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag))
    return leader.approve(doc)


@pytest.fixture(scope="module")
def outlines(sessions):
    duty, leader = sessions("duty"), sessions("leader")
    marguerite = new_child(duty, "Marguerite", "Quenby")
    draft = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=marguerite.name, template_id="single-assessment", answers={"pen_picture": a("Lives with her mother")}))
    sibling = new_child(duty, "Marguerite", "Quenby")  # one Single Assessment a child a day
    approved = completed(duty, leader, sibling)
    # A Welsh family: the parent signs in front of the worker, and a fact is added afterwards.
    gwen = new_child(duty, "Gwenllian", "Llŵyd")
    witnessed = completed(duty, leader, gwen)
    call(duty, "SignDocument", pb.SignDocumentRequest(name=witnessed.name, role="parent",
                                                      method="witnessed_in_person", signer_name="Siôn Llŵyd"))
    call(duty, "AppendToDocument", pb.AppendToDocumentRequest(
        name=witnessed.name, text="Her mother rang to say the visit was on the Tuesday, not the Monday."))
    return {
        "draft": (marguerite, outline_of(duty, draft.name, now=NOW)),
        "approved": (sibling, outline_of(duty, approved.name, now=NOW)),
        "witnessed": (gwen, outline_of(duty, witnessed.name, now=NOW)),
    }


def read(data: bytes) -> tuple[list[str], str]:
    """Each page's text, and the whole document's with its white space made single spaces (a
    line may wrap anywhere)."""
    pages = [page.extract_text() for page in PdfReader(BytesIO(data)).pages]
    return pages, " ".join(" ".join(pages).split())


def font_sizes(data: bytes) -> Counter:
    """How often each font size is set, from the pages' content streams."""
    sizes: Counter = Counter()
    for page in PdfReader(BytesIO(data)).pages:
        for size in re.findall(rb"/F\d+ ([\d.]+) Tf", page.get_contents().get_data()):
            sizes[float(size)] += 1
    return sizes


def assert_every_page_is_marked(pages: list[str], child: pb.Person, title: str) -> None:
    for number, text in enumerate(pages, start=1):
        flat = " ".join(text.split())
        assert f"{child.given_name} {child.family_name}" in flat and title in flat
        assert f"page {number} of {len(pages)}" in flat


def test_a_draft_says_it_is_not_final_on_every_page_and_has_no_signature_block(outlines):
    child, outline = outlines["draft"]
    printed = as_pdf(outline)
    assert printed.extension == "pdf" and printed.payload() == printed.data and printed.data.startswith(b"%PDF-")
    assert printed.stem == outline.stem and child.family_name not in printed.stem
    pages, text = read(printed.data)
    assert_every_page_is_marked(pages, child, "Single Assessment")
    assert "page 1 of" in text
    assert "This is not the final record: it is in progress (a draft, not final)." in text
    assert all("not final: in progress" in " ".join(page.split()) for page in pages)
    assert "Lives with her mother" in text and "Required, not answered." in text
    assert f"Started: {dict(outline.facts)['Started']}" in text
    assert "Signatures" not in text and "not yet signed" not in text
    assert "Copy taken from ICS by Dana Duty on Fri 27 Nov 2026 at 21:05." in text


def test_a_completed_document_carries_its_signatures_and_lines_for_the_rest(outlines):
    child, outline = outlines["approved"]
    printed = as_pdf(outline)
    pages, text = read(printed.data)
    assert_every_page_is_marked(pages, child, "Single Assessment")
    facts = dict(outline.facts)
    assert f"Completed: {facts['Completed']}" in text and f"Started: {facts['Started']}" in text
    assert "Tue 3 Nov 2026" in text  # the date answer, as people read dates
    assert "This is not the final record" not in text and "final record" in text
    assert "- Alcohol misuse" not in text and "Alcohol misuse: concern about a parent or carer" in text
    block = text[text.index("Signatures"):]
    assert [s.role for s in outline.signatures] == ["Social worker", "Team leader"]
    for signed in outline.signatures:
        assert f"{signed.role} {signed.signer}, signed electronically, on {signed.when}." in block
    assert "Dana Duty" in block and "Lee Leader" in block
    assert "Parent or carer, not yet signed: Name Signed Date" in block
    assert "Child or young person, not yet signed:" in block
    assert outline.fingerprint and outline.fingerprint in text.replace(" ", "")
    metadata = PdfReader(BytesIO(printed.data)).metadata
    assert metadata.title == "Single Assessment" and child.family_name not in str(metadata)
    assert metadata.creation_date.astimezone(LONDON) == NOW


def test_a_parent_signing_in_person_and_a_welsh_name_read_back(outlines):
    child, outline = outlines["witnessed"]
    assert "ŵ" in child.family_name
    pages, text = read(as_pdf(outline).data)
    assert_every_page_is_marked(pages, child, "Single Assessment")
    assert f"Gwenllian {child.family_name}" in text
    parent = next(s for s in outline.signatures if s.role == "Parent or carer")
    assert f"Parent or carer Siôn Llŵyd, signed in person, witnessed by Dana Duty, on {parent.when}." in text
    assert "Parent or carer, not yet signed" not in text and "Child or young person, not yet signed" in text
    added = text[text.index("Added after completion"):]
    assert "Dana Duty," in added and "Her mother rang to say the visit was on the Tuesday, not the Monday." in added


def test_large_print_sets_the_text_in_16_point_or_more(outlines):
    child, outline = outlines["witnessed"]
    standard, large = as_pdf(outline), as_pdf(outline, large_print=True)
    assert large.stem == f"{outline.stem}-large-print"
    standard_pages, _ = read(standard.data)
    large_pages, text = read(large.data)
    assert len(large_pages) > len(standard_pages)
    assert_every_page_is_marked(large_pages, child, "Single Assessment")
    body, _ = font_sizes(large.data).most_common(1)[0]
    assert body >= 16 and min(font_sizes(large.data)) >= 13
    assert font_sizes(standard.data).most_common(1)[0][0] == 11
    for signed in outline.signatures:
        assert f"{signed.role} {signed.signer}" in text and signed.when in text


def test_a_final_document_without_signatures_cannot_be_produced(outlines):
    _, outline = outlines["approved"]
    unsigned = dataclasses.replace(outline, signatures=[])
    with pytest.raises(OutputError) as exc:
        as_pdf(unsigned)
    assert "a final document without signatures cannot be produced" in str(exc.value)
    assert exc.value.code == "FAILED_PRECONDITION" and outline.name in str(exc.value)
    with pytest.raises(OutputError):
        as_pdf(unsigned, large_print=True)
    as_pdf(dataclasses.replace(outlines["draft"][1], signatures=[]))  # a draft has none, and says it is one


def test_the_same_outline_gives_the_same_bytes(outlines):
    for _, outline in outlines.values():
        assert as_pdf(outline).data == as_pdf(outline).data
        assert as_pdf(outline, large_print=True).data == as_pdf(outline, large_print=True).data
    original = outlines["approved"][1]
    later = dataclasses.replace(original, produced="Copy taken from ICS by Dana Duty on Sat 28 Nov 2026 at 09:00.",
                                produced_at=original.produced_at + timedelta(hours=12))
    assert as_pdf(later).data != as_pdf(outlines["approved"][1]).data


def test_a_pdf_is_saved_as_a_pdf_file(outlines, tmp_path):
    printed = as_pdf(outlines["approved"][1])
    said = deliver(printed, OutputSettings(save_folder=str(tmp_path)), now=NOW)
    saved = tmp_path / f"{printed.stem}-20261127-210500.pdf"
    assert said == f"Saved as {saved}" and saved.read_bytes() == printed.data


def test_the_bytes_do_not_depend_on_the_process_and_textual_is_never_loaded(outlines, tmp_path):
    """Rendered again in a fresh interpreter with another hash seed: the same bytes, and the PDF
    module never brings in Textual (the line mode and the services use it too)."""
    _, outline = outlines["witnessed"]
    (tmp_path / "outline.pickle").write_bytes(pickle.dumps(outline))
    script = ("import pickle, sys\nfrom tui.core.pdf import as_pdf\n"
              f"outline = pickle.loads(open({str(tmp_path / 'outline.pickle')!r}, 'rb').read())\n"
              "sys.stdout.buffer.write(as_pdf(outline).data)\n"
              "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules)\n")
    for seed in ("1", "2"):
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, timeout=60,
                                env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.stdout == as_pdf(outline).data


def test_a_name_typed_with_a_combining_accent_prints_composed(outlines):
    _, outline = outlines["draft"]
    facts = [("Child", "Dafydd Rhy\u0302s a\u0302 Gwe\u0302n, born 1 Mar 2016")] + outline.facts[1:]
    _, text = read(as_pdf(dataclasses.replace(outline, facts=facts)).data)
    assert "Dafydd Rhŷs â Gwên, born 1 Mar 2016" in text

"""Print or save any document (tui/core/printing.py), against the real services: a completed
Single Assessment read back as 80 columns of plain text with its answers, statuses in words and
its signature block; saved in a folder as a new mode-600 file that never overwrites another;
printed through a real executable standing in for `lp`; and every failure said in a sentence."""

from __future__ import annotations

import json
import os
import stat
import sys
from datetime import datetime

import pytest

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.common.config import ConfigError, load_config
from tests.helpers import a, call, referred_child_with_a_visit
from tui.core.errors import ServiceError
from tui.core.printing import (LONDON, WIDTH, OutputError, OutputSettings, PrintedDocument, deliver,
                               document_text, output_settings)

ANSWERS = {
    "assessment_start_date": a("2026-11-03"),
    "reason": a("School attendance has fallen to 60% this term and Marguerite has said she is often hungry."),
    "pen_picture": a("Marguerite is eight and lives with her mother and baby brother.\n\nShe loves drawing."),
    "key_case_summary": cpb.Answer(status=cpb.ANSWER_STATUS_NOT_KNOWN),
    "child_views": cpb.Answer(status=cpb.ANSWER_STATUS_DECLINED, reason="She did not want to talk that day"),
    "child_seen_alone": a("yes"),
    "decision": a("cin_plan"),
    "factors": a("1B,7A"),
}


@pytest.fixture(scope="module")
def assessment(sessions):
    """A Single Assessment written by duty, approved by the team leader (both sign by doing it)
    and signed by a parent in front of the worker: (document name, its text)."""
    duty, leader = sessions("duty"), sessions("leader")
    child = referred_child_with_a_visit(duty).person
    doc = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="single-assessment",
                                                                 answers=ANSWERS))
    doc = call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag))
    leader.approve(doc)
    call(duty, "SignDocument", pb.SignDocumentRequest(name=doc.name, role="parent", method="witnessed_in_person",
                                                      signer_name="Sam Quenby"))
    return doc.name, child, document_text(duty, doc.name)


def test_a_completed_assessment_reads_in_full_with_its_signature_block(assessment):
    name, child, printed = assessment
    text = printed.text
    assert printed.title == "Single Assessment"
    assert printed.stem == f"single-assessment-document-{name.rsplit('/', 1)[1]}"
    assert child.family_name not in printed.stem  # a folder listing shows no child's name
    # The protective marking and the handling warning at the head and the foot of the copy.
    marking = "OFFICIAL-SENSITIVE\nPersonal data about a child: do not copy or pass on without the council's\nagreement.\n"
    assert text.startswith(marking + "\nSingle Assessment\n=================\n") and text.endswith("\n" + marking)
    assert f"{child.given_name} {child.family_name}" in text and child.name in text
    assert "completed (final)" in text and "Author:" in text and "Dana Duty" in text
    assert "Started:" in text and "Completed:" in text
    assert "Tue 3 Nov 2026" in text  # the date answer, as people read dates
    assert "School attendance has fallen to 60% this term" in text
    assert "She loves drawing." in text
    assert "Child in need plan" in text  # a choice by its label, not its code
    assert "- Alcohol misuse: concern about a parent or carer" in text and "- Young carer" in text
    assert "\n    Yes\n" in text
    # Statuses in words, never a blank.
    assert "\nKey case summary\n    Not known.\n" in text
    assert "\nThe child's views, in their own words\n    Declined: She did not want to talk that day.\n" in text
    # A section heading of the template, and an unanswered question shown as such.
    assert "\nThe story so far\n----------------\n" in text
    assert "Not answered." in text and "Required, not answered." not in text
    # The signature block: who signed, how, and a line for each role still to sign.
    block = text[text.index("\nSignatures\n"):]
    assert "Social worker: Dana Duty, signed electronically, on " in block
    assert "Team leader: Lee Leader, signed electronically, on " in block
    assert "Parent or carer: Sam Quenby, signed in person, witnessed by Dana Duty, on " in block
    assert "Child or young person, not yet signed:" in block
    assert "Signed: ____" in block and "Date: ____" in block
    assert block.count("Signed: ____") == 1
    assert "fingerprint (SHA-256)" in text and "Copy taken from ICS by Dana Duty on " in text
    assert all(len(line) <= WIDTH for line in text.splitlines())
    assert not any(0x2500 <= ord(c) <= 0x259F for c in text)  # no box drawing


def test_a_draft_marks_what_is_required_and_has_no_signature_block(sessions):
    duty = sessions("duty")
    child = referred_child_with_a_visit(duty).person
    doc = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="single-assessment",
                                                                 answers={"pen_picture": a("Lives with her mother")}))
    text = document_text(duty, doc.name).text
    assert "This is not the final record: it is in progress" in text
    assert "Lives with her mother" in text
    assert text.count("Required, not answered.") >= 2  # the start date and the reason, at least
    assert "\nSignatures\n" not in text and "Signed: ____" not in text


def test_saving_writes_a_private_file_and_never_overwrites(assessment, tmp_path):
    _, _, printed = assessment
    folder = tmp_path / "prints"
    folder.mkdir()
    settings = OutputSettings(save_folder=str(folder))
    now = datetime(2026, 11, 27, 14, 5, 9, tzinfo=LONDON)
    first = deliver(printed, settings, now=now)
    second = deliver(printed, settings, now=now)  # the same second: a new name, not the same file
    saved = sorted(folder.iterdir())
    assert [p.name for p in saved] == [f"{printed.stem}-20261127-140509-2.txt", f"{printed.stem}-20261127-140509.txt"]
    assert first == f"Saved as {folder / f'{printed.stem}-20261127-140509.txt'}"
    assert second == f"Saved as {folder / f'{printed.stem}-20261127-140509-2.txt'}"
    for path in saved:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text() == printed.text


def test_a_failed_save_leaves_nothing_behind(assessment, tmp_path, monkeypatch):
    _, _, printed = assessment
    folder = tmp_path / "prints"
    folder.mkdir()

    def disc_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "link", disc_full)
    with pytest.raises(OutputError) as exc:
        deliver(printed, OutputSettings(save_folder=str(folder)))
    assert "No space left on device" in str(exc.value) and "Not saved" in str(exc.value)
    assert list(folder.iterdir()) == []
    with pytest.raises(OutputError) as exc:
        deliver(printed, OutputSettings(save_folder=str(tmp_path / "not-there")))
    assert "is not there" in str(exc.value) and "save_folder" in str(exc.value)


def fake_lp(tmp_path, body: str) -> str:
    """A real executable standing in for CUPS lp: records its arguments and what it read."""
    script = tmp_path / "fake-lp"
    script.write_text(f"#!{sys.executable}\nimport json, sys\n"
                      f"open({str(tmp_path / 'argv.json')!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
                      f"open({str(tmp_path / 'stdin.txt')!r}, 'wb').write(sys.stdin.buffer.read())\n" + body)
    script.chmod(0o755)
    return str(script)


def test_printing_sends_the_text_to_the_configured_printer(assessment, tmp_path):
    _, _, printed = assessment
    command = fake_lp(tmp_path, "print('request id is duty-office-42 (1 file(s))')\n")
    said = deliver(printed, OutputSettings(printer="duty-office", save_folder=str(tmp_path), print_command=command))
    assert said == "Sent to the printer 'duty-office' as job duty-office-42."
    assert json.loads((tmp_path / "argv.json").read_text()) == ["-d", "duty-office", "-t", "Single Assessment"]
    assert (tmp_path / "stdin.txt").read_text() == printed.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["argv.json", "fake-lp", "stdin.txt"]  # nothing saved
    # Asked for the folder instead, it saves even though a printer is set.
    assert deliver(printed, OutputSettings(printer="duty-office", save_folder=str(tmp_path), print_command=command),
                   to="folder").startswith(f"Saved as {tmp_path}/{printed.stem}-")


def test_a_failing_printer_is_said_in_a_sentence_with_lp_s_own_words(assessment, tmp_path):
    _, _, printed = assessment
    command = fake_lp(tmp_path, "sys.stderr.write('lp: The printer or class does not exist.\\n')\nsys.exit(1)\n")
    with pytest.raises(OutputError) as exc:
        deliver(printed, OutputSettings(printer="nowhere", print_command=command))
    assert str(exc.value) == ("Not printed: the printer 'nowhere' did not take the document. The print system "
                              "said: lp: The printer or class does not exist. Tell IT if it keeps happening.")
    with pytest.raises(OutputError) as exc:
        deliver(printed, OutputSettings(printer="duty-office", print_command=str(tmp_path / "no-such-lp")))
    assert "is not on this server" in str(exc.value) and "print_command" in str(exc.value)


def test_nothing_configured_says_ask_it(assessment):
    _, _, printed = assessment
    with pytest.raises(ServiceError) as exc:  # a ServiceError, so both front ends show it as any other
        deliver(printed, OutputSettings())
    assert "Ask IT to set a printer" in str(exc.value) and "(printer, save_folder)" in str(exc.value)
    with pytest.raises(OutputError) as exc:
        deliver(printed, OutputSettings(save_folder="/srv"), to="printer")
    assert "No printer is set up" in str(exc.value)


def test_the_settings_come_from_the_configuration(tmp_path):
    config = tmp_path / "ics.toml"
    config.write_text('printer = "duty-office"\nsave_folder = "/srv/ics/prints"\nprint_command = "/usr/bin/lp"\n')
    assert output_settings(load_config(data_dir=tmp_path, config_file=config, env={})) == OutputSettings(
        "duty-office", "/srv/ics/prints", "/usr/bin/lp")
    assert output_settings(load_config(data_dir=tmp_path, env={})) == OutputSettings("", "", "lp")
    assert output_settings(load_config(data_dir=tmp_path, env={"ICS_PRINTER": "floor-2"})).printer == "floor-2"
    assert output_settings(load_config(data_dir=tmp_path, env={"ICS_PRINT_FORMAT": "text"})).format == "text"
    for bad, said in (('printer = "duty office"', "CUPS printer name"), ('save_folder = "prints"', "full path"),
                      ('printer = "p"\nprint_command = ""', "print_command"), ('print_format = "docx"', "pdf")):
        config.write_text(bad + "\n")
        with pytest.raises(ConfigError, match=said):
            load_config(data_dir=tmp_path, config_file=config, env={})


def test_a_printed_document_is_bytes_for_any_output():
    printed = PrintedDocument("Case Note", "case-note-document-1", "Zoë’s words\n")
    assert printed.payload() == "Zoë’s words\n".encode() and printed.extension == "txt"


def test_the_familys_copy_uses_the_templates_plain_words_and_only_what_was_said(assessment, sessions):
    """Recommendation 6: outputs for the family from the same record, in the template's family
    wording; the office's own facts and unanswered questions left out; the family's lines to sign."""
    from tui.core.printing import as_text, outline_of

    name, child, _ = assessment
    outline = outline_of(sessions("duty"), name, family=True)
    text = as_text(outline).text
    assert outline.title == "Our assessment of what you need" and text.startswith(
        "OFFICIAL-SENSITIVE\nPrivate: about you and your family.\n\nOur assessment of what you need\n")
    assert "Personal data about a child" not in text  # the professionals' warning is not the family's
    assert "\nYour story so far\n" in text and "A short picture of you and your family" in text
    assert "She loves drawing." in text and "Marguerite is eight" in text
    assert "What you told us\n    Declined: She did not want to talk that day." in text
    assert "Not answered." not in text and "Required, not answered." not in text
    assert "Child's record:" not in text and "fingerprint" not in text and "Allocated worker" not in text
    assert "For:" in text and child.given_name in text and "Written by:" in text and "Dana Duty" in text
    block = text[text.index("\nSignatures\n"):]
    assert "Parent or carer: Sam Quenby, signed in person" in block
    assert "Child or young person, not yet signed:" in block and block.count("Signed: ____") == 1
    assert "Team leader, not yet signed" not in block
    # The same words as a PDF, which a final document may be, as it carries signatures.
    from tui.core.pdf import as_pdf

    assert as_pdf(outline).data.startswith(b"%PDF")


def test_the_familys_copy_in_welsh(assessment, sessions):
    """The template's Welsh family wording, and the words around it and the dates in Welsh too;
    what the worker wrote stays as they wrote it."""
    from tui.core.pdf import as_pdf
    from tui.core.printing import as_text, outline_of

    name, child, _ = assessment
    outline = outline_of(sessions("duty"), name, family=True, language="cy")
    text = as_text(outline).text
    assert text.startswith("SWYDDOGOL-SENSITIF / OFFICIAL-SENSITIVE\nPreifat: amdanoch chi a'ch teulu.\n\n"
                           "Ein hasesiad o'r hyn sydd ei angen arnoch\n")
    assert "\nEich stori hyd yma\n" in text and "Darlun byr ohonoch chi a'ch teulu" in text
    assert "Beth ddywedoch chi wrthym\n    Gwrthodwyd: She did not want to talk that day." in text
    assert "Ar gyfer:" in text and "Ysgrifennwyd gan:" in text
    assert "\nLlofnodion\n" in text and "Rhiant neu ofalwr: Sam Quenby, llofnodwyd yn bersonol, gyda Dana Duty yn dyst" in text
    assert "Plentyn neu berson ifanc, heb lofnodi eto:" in text and "Enw: ____" in text and "Dyddiad: ____" in text
    assert "Copi wedi'i gymryd o ICS gan Dana Duty ar " in text
    for english in ("Signatures", "not yet signed", "Copy taken", "Started", "Declined"):
        assert english not in text
    from pypdf import PdfReader
    import io

    pages = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(as_pdf(outline).data)).pages)
    assert "tudalen 1 o" in pages and "cofnod terfynol" in pages


def test_the_letter_to_a_family_about_their_records(assessment, sessions, tmp_path):
    """Recommendation 3: records kept electronically, who can see them, and who has, from the
    record's own access report; a team leader produces it, a worker is refused plainly."""
    from tui.core.family_letter import letter_outline
    from tui.core.printing import as_text, render

    _, child, _ = assessment
    leader = sessions("leader")
    outline = letter_outline(leader, child.name)
    text = as_text(outline).text
    assert text.startswith("OFFICIAL-SENSITIVE\nPrivate: about you and your family.\n\nYour family's records\n")
    assert child.given_name in text and "Personal data about a child" not in text
    assert f"How we keep {child.given_name}'s records" in text and "on a computer system called ICS" in text
    assert "the duty team who answer new worries" in text  # an open record: who may open it, in words
    seen = text[text.index(f"Who has seen or changed {child.given_name}'s record"):]
    assert "Dana Duty" in seen and "Lee Leader" in seen  # who wrote the assessment, who approved it
    assert "not the final record" not in text and "Signatures" not in text and "fingerprint" not in text
    assert outline.stem == f"family-letter-{child.name.split('/')[1]}" and child.family_name not in outline.stem
    pdf = render(outline, OutputSettings(format="pdf"))
    assert pdf.data.startswith(b"%PDF")
    with pytest.raises(ServiceError) as refused:
        letter_outline(sessions("worker"), child.name)
    assert refused.value.code in ("PERMISSION_DENIED", "NOT_FOUND") and refused.value.message

"""`ics admin print`: a document to the configured folder (or printer) from the server's console,
with the access of the user named, as a PDF, in large print, or as plain text; refused plainly
for a wrong password or a record the user may not see, leaving nothing behind."""

from __future__ import annotations

import subprocess

from pypdf import PdfReader

from ics.records.v1 import records_pb2 as pb
from tests.helpers import a, call, referred_child, run_admin


def admin_print(stack, tmp_path, folder, *args: str, password: str = "demo") -> subprocess.CompletedProcess:
    return run_admin(stack, tmp_path / "console", "print", *args, password=password,
                     env={"ICS_SAVE_FOLDER": str(folder)})


def test_print_from_the_console_as_pdf_large_print_and_text(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    child = referred_child(duty, "Quill", decide=False).person
    note = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="case-note", answers={
        "note_date": a("2026-11-03"), "note_type": a("home_visit")}))
    folder = tmp_path / "prints"
    folder.mkdir()
    number = note.name.split("/")[1]

    done = admin_print(stack, tmp_path, folder, number, "--user", "duty")
    assert done.returncode == 0, done.stderr
    [pdf] = list(folder.glob("*.pdf"))
    assert done.stdout.strip() == f"Saved as {pdf}"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert child.given_name in text and "Case Note" in text and "page 1 of" in text

    assert admin_print(stack, tmp_path, folder, note.name, "--user", "duty", "--large-print").returncode == 0
    assert len(list(folder.glob("*-large-print-*.pdf"))) == 1
    assert admin_print(stack, tmp_path, folder, number, "--user", "duty", "--text").returncode == 0
    [txt] = list(folder.glob("*.txt"))
    assert child.given_name in txt.read_text()

    assert admin_print(stack, tmp_path, folder, number, "--user", "duty", "--text", "--family").returncode == 0
    [family] = [p for p in folder.glob("*.txt") if p != txt]
    assert family.read_text().startswith("OFFICIAL-SENSITIVE\nPrivate: about you and your family.\n\nA note about you\n") and "For:" in family.read_text()
    assert admin_print(stack, tmp_path, folder, number, "--user", "duty", "--text", "--welsh").returncode == 0
    [welsh] = [p for p in folder.glob("*.txt") if p not in (txt, family)]
    assert welsh.read_text().startswith("SWYDDOGOL-SENSITIF / OFFICIAL-SENSITIVE\nPreifat: amdanoch chi a'ch teulu.\n\nNodyn amdanoch chi\n") and "Ar gyfer:" in welsh.read_text()

    # people/N: the letter to the family about their records, which a team leader produces.
    assert admin_print(stack, tmp_path, folder, child.name, "--user", "leader", "--text").returncode == 0
    [letter] = list(folder.glob("family-letter-*.txt"))
    assert letter.read_text().startswith("OFFICIAL-SENSITIVE\nPrivate: about you and your family.\n\nYour family's records\n") and "Dana Duty" in letter.read_text()

    before = sorted(folder.iterdir())
    wrong = admin_print(stack, tmp_path, folder, number, "--user", "duty", password="not-it")
    assert wrong.returncode == 1 and "username and password do not match" in wrong.stderr
    hidden = admin_print(stack, tmp_path, folder, number, "--user", "worker2")
    assert hidden.returncode == 1 and "is known to you" in hidden.stderr, hidden.stderr
    bad = admin_print(stack, tmp_path, folder, "twelve", "--user", "duty")
    assert bad.returncode == 2 and "give the document's number" in bad.stderr
    assert sorted(folder.iterdir()) == before

    # Each copy made is in the child's access report, what it was and where it went; the refused
    # ones are not.
    report = client_factory("leader").access_report(child.name).text
    assert report.count("Dana Duty printed or saved a copy: a copy (PDF) to a saved file") == 1
    assert "Dana Duty printed or saved a copy: a copy (PDF, large print) to a saved file" in report
    assert "Dana Duty printed or saved a copy: the family's copy in Welsh (TXT) to a saved file" in report
    assert "Lee Leader printed or saved a copy: a copy (TXT) to a saved file" in report  # the letter
    assert "Tom Okafor" not in report  # worker2 was refused before any copy was made


def test_print_from_the_console_for_a_court_or_an_agency(stack, client_factory, tmp_path):
    """`--for court|conference|agency [--agency NAME] [--conference-date D] [--complete]`: the copy
    says whom it was prepared for, leaves out questions nobody was asked unless --complete, and the
    access report says whom it was for; arguments that do not fit are refused before the password."""
    duty = client_factory("duty")
    child = referred_child(duty, "Quince", decide=False).person
    note = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="case-note", answers={
        "note_date": a("2026-11-03"), "note_type": a("home_visit")}))
    folder = tmp_path / "prints"
    folder.mkdir()
    number = note.name.split("/")[1]

    done = admin_print(stack, tmp_path, folder, number, "--user", "duty", "--for", "agency", "--agency",
                       "Northshire Community Health")
    assert done.returncode == 0, done.stderr
    [pdf] = list(folder.glob("*.pdf"))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "Prepared for: Northshire Community Health" in text and "OFFICIAL-SENSITIVE" in text
    assert "Not answered." not in text and "Date of birth:" in text
    done = admin_print(stack, tmp_path, folder, number, "--user", "duty", "--for", "court", "--complete", "--text")
    assert done.returncode == 0, done.stderr
    [txt] = list(folder.glob("*.txt"))
    assert "Prepared for: the family court" in txt.read_text() and "Not answered." in txt.read_text()

    before = sorted(folder.iterdir())
    for args, said in ((["--for", "agency"], "Say which agency the copy is for"),
                       (["--complete"], "go with --for"), (["--for", "court", "--family"], "not both"),
                       (["--for", "conference", "--conference-date", "soon"], "YYYY-MM-DD")):
        refused = admin_print(stack, tmp_path, folder, number, "--user", "duty", *args)
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    assert sorted(folder.iterdir()) == before
    report = client_factory("leader").access_report(child.name).text
    assert "Dana Duty printed or saved a copy: a copy for Northshire Community Health (PDF) to a saved file" in report
    assert "Dana Duty printed or saved a copy: a complete copy for the family court (TXT) to a saved file" in report

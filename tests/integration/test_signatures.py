"""R-SIGN and R-FREEZE: completing signs the snapshot; others sign it too; an exported document
verifies offline, and any tampering makes `ics admin verify-document` fail."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import a, call


@pytest.fixture
def completed(client_factory):
    duty = client_factory("duty")
    child = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Sig", family_name=f"Nature{uuid.uuid4().hex[:6]}", date_of_birth="2013-03-03", sex=pb.SEX_MALE)))
    doc = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="contact-record", answers={
        "date_of_birth": a("2013-03-03"), "sex": a("M"), "contact_date": a("2026-11-20"),
        "reason": a("Teacher worried"), "outcome": a("referral")}))
    with pytest.raises(ServiceError) as exc:
        call(duty, "SignDocument", pb.SignDocumentRequest(name=doc.name, role="social_worker", method="electronic"))
    assert exc.value.code == "FAILED_PRECONDITION"  # nothing final to sign yet
    done = call(duty, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag,
                                                           state=pb.DOCUMENT_STATE_COMPLETED))
    return duty, done


def verify(path, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "services.cli", "admin", "verify-document", str(path), *extra],
                          capture_output=True, text=True)


def test_signed_document_verifies_offline_and_tampering_fails(completed, client_factory, tmp_path):
    duty, done = completed
    assert [(s.role, s.signer_name) for s in done.signatures] == [("social_worker", "Dana Duty")]
    leader = client_factory("leader")
    call(leader, "SignDocument", pb.SignDocumentRequest(name=done.name, role="team_leader", method="electronic"))
    signed = call(duty, "SignDocument", pb.SignDocumentRequest(
        name=done.name, role="parent", method="witnessed_in_person", signer_name="Sam Parent"))
    assert [s.role for s in signed.signatures] == ["social_worker", "team_leader", "parent"]
    assert signed.signatures[2].witnessed_by == "Dana Duty"

    bundle = json.loads(call(duty, "ExportDocument", pb.ExportDocumentRequest(name=done.name)).bundle_json)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(bundle))
    result = verify(good)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified" in result.stdout and "Lee Leader as team leader" in result.stdout

    tampered = dict(bundle, snapshot_json=bundle["snapshot_json"].replace("Teacher worried", "Nothing to see"))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(tampered))
    result = verify(bad)
    assert result.returncode == 1 and "changed after signing" in result.stdout

    # An attacker who re-signs with their own key and ships it in the bundle is caught by
    # checking against the council's own public key.
    key = subprocess.run([sys.executable, "-m", "services.cli", "admin", "signing-key", "--data",
                          str(tmp_path / "other-council")], capture_output=True, text=True).stdout
    assert key.startswith("-----BEGIN PUBLIC KEY-----")
    (tmp_path / "other.pem").write_text(key)
    result = verify(good, "--public-key", str(tmp_path / "other.pem"))
    assert result.returncode == 1 and "is not valid" in result.stdout

    forged = json.loads(json.dumps(bundle))
    forged["signatures"][1]["payload"]["signer_name"] = "Someone Else"
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    result = verify(tmp_path / "forged.json")
    assert result.returncode == 1 and "Someone Else (team_leader) is not valid" in result.stdout


def test_only_a_team_leader_signs_as_team_leader(completed):
    duty, done = completed
    with pytest.raises(ServiceError) as exc:
        call(duty, "SignDocument", pb.SignDocumentRequest(name=done.name, role="team_leader", method="electronic"))
    assert exc.value.code == "PERMISSION_DENIED"
    with pytest.raises(ServiceError) as exc:
        call(duty, "SignDocument", pb.SignDocumentRequest(name=done.name, role="parent", method="printed_copy"))
    assert exc.value.code == "INVALID_ARGUMENT" and "signer_name" in exc.value.violations


def test_submit_then_a_team_leader_returns_then_approves(client_factory, tmp_path):
    duty, leader = client_factory("duty"), client_factory("leader")
    child = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Sub", family_name=f"Mitted{uuid.uuid4().hex[:6]}", date_of_birth="2011-01-01", sex=pb.SEX_FEMALE)))
    doc = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="contact-record"))
    with pytest.raises(ServiceError) as exc:
        call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag))
    assert exc.value.code == "INVALID_ARGUMENT" and "submitted" in exc.value.message
    doc = call(duty, "UpdateDocument", pb.UpdateDocumentRequest(name=doc.name, etag=doc.etag, answers={
        "date_of_birth": a("2011-01-01"), "sex": a("F"), "contact_date": a("2026-11-20"),
        "reason": a("Health visitor worried"), "outcome": a("referral")}))
    submitted = call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag))
    assert submitted.state == pb.DOCUMENT_STATE_SUBMITTED and submitted.submitted_by.display_name == "Dana Duty"
    with pytest.raises(ServiceError) as exc:  # locked while it waits
        call(duty, "UpdateDocument", pb.UpdateDocumentRequest(name=doc.name, etag=submitted.etag,
                                                              answers={"reason": a("changed")}))
    assert exc.value.code == "FAILED_PRECONDITION"
    with pytest.raises(ServiceError) as exc:
        call(duty, "ApproveDocument", pb.ReviewDocumentRequest(name=doc.name, etag=submitted.etag))
    assert exc.value.code == "PERMISSION_DENIED"

    returned = call(leader, "ReturnDocument", pb.ReviewDocumentRequest(
        name=doc.name, etag=submitted.etag, comments="Say who was at the home"))
    assert returned.state == pb.DOCUMENT_STATE_IN_PROGRESS and returned.return_comments == "Say who was at the home"
    fixed = call(duty, "UpdateDocument", pb.UpdateDocumentRequest(name=doc.name, etag=returned.etag, answers={
        "reason": a("Health visitor worried; mother and partner at home")}))
    again = call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=doc.name, etag=fixed.etag))
    approved = call(leader, "ApproveDocument", pb.ReviewDocumentRequest(name=doc.name, etag=again.etag))
    assert approved.state == pb.DOCUMENT_STATE_COMPLETED and approved.return_comments == ""
    assert [(s.role, s.signer_name) for s in approved.signatures] == [("social_worker", "Dana Duty"),
                                                                      ("team_leader", "Lee Leader")]
    assert "mother and partner" in approved.snapshot_json
    bundle = tmp_path / "approved.json"
    bundle.write_text(call(duty, "ExportDocument", pb.ExportDocumentRequest(name=doc.name)).bundle_json)
    assert verify(bundle).returncode == 0


def test_a_parents_signature_on_a_printed_copy_is_linked_to_its_scan(completed, client_factory, tmp_path):
    duty, done = completed
    with pytest.raises(ServiceError) as exc:
        call(duty, "SignDocument", pb.SignDocumentRequest(name=done.name, role="parent", method="printed_copy",
                                                          signer_name="Sam Parent"))
    assert exc.value.code == "INVALID_ARGUMENT" and "attachment" in exc.value.violations
    page = b"%PDF-1.4 scanned signed page " + uuid.uuid4().bytes
    drawing = call(duty, "AddAttachment", pb.AddAttachmentRequest(attachment=pb.Attachment(
        document=done.name, filename="house.png", media_type="image/png", kind="drawing", provenance="direct",
        description="A drawing", content=b"\x89PNG drawing")))
    with pytest.raises(ServiceError) as exc:  # a drawing is not a signed page
        call(duty, "SignDocument", pb.SignDocumentRequest(name=done.name, role="parent", method="printed_copy",
                                                          signer_name="Sam Parent", attachment=drawing.name))
    assert exc.value.code == "INVALID_ARGUMENT" and "scan" in exc.value.message
    scan = call(duty, "AddAttachment", pb.AddAttachmentRequest(attachment=pb.Attachment(
        document=done.name, filename="signed-page.pdf", media_type="application/pdf", kind="scan",
        provenance="via_parent", description="The printed record, signed by Sam Parent on the last page",
        content=page)))
    signed = call(duty, "SignDocument", pb.SignDocumentRequest(name=done.name, role="parent", method="printed_copy",
                                                               signer_name="Sam Parent", attachment=scan.name))
    assert signed.signatures[-1].attachment == scan.name and signed.signatures[-1].witnessed_by == "Dana Duty"
    bundle = json.loads(call(duty, "ExportDocument", pb.ExportDocumentRequest(name=done.name)).bundle_json)
    assert bundle["signatures"][-1]["payload"]["scan"] == {"attachment": scan.name, "sha256": scan.sha256}
    swapped = json.loads(json.dumps(bundle))
    swapped["signatures"][-1]["payload"]["scan"]["sha256"] = "0" * 64  # another page put in its place
    (tmp_path / "swapped.json").write_text(json.dumps(swapped))
    result = verify(tmp_path / "swapped.json")
    assert result.returncode == 1 and "Sam Parent (parent) is not valid" in result.stdout


def test_appendments_are_signed_into_the_exported_bundle(completed, tmp_path):
    duty, done = completed
    call(duty, "AppendToDocument", pb.AppendToDocumentRequest(
        name=done.name, text="Later: the school confirmed the child's attendance."))
    appended = call(duty, "AppendToDocument", pb.AppendToDocumentRequest(name=done.name, text="Mother phoned back."))
    assert len(appended.appendments) == 2 and all(len(a.sha256) == 64 for a in appended.appendments)
    assert appended.snapshot_json == done.snapshot_json  # the record itself never changes
    bundle = json.loads(call(duty, "ExportDocument", pb.ExportDocumentRequest(name=done.name)).bundle_json)
    (tmp_path / "good.json").write_text(json.dumps(bundle))
    result = verify(tmp_path / "good.json")
    assert result.returncode == 0 and "2 later appendments, each exactly as added" in result.stdout
    edited = json.loads(json.dumps(bundle))
    edited["appendments"][0]["payload"]["text"] = "Later: the school said nothing."
    (tmp_path / "edited.json").write_text(json.dumps(edited))
    result = verify(tmp_path / "edited.json")
    assert result.returncode == 1 and "appendment 1" in result.stdout and "changed after it was added" in result.stdout
    dropped = json.loads(json.dumps(bundle))
    dropped["appendments"][1]["payload"]["snapshot_sha256"] = "f" * 64
    (tmp_path / "moved.json").write_text(json.dumps(dropped))
    result = verify(tmp_path / "moved.json")
    assert result.returncode == 1 and "appendment 2 belongs to a different version" in result.stdout

"""R-VOICE: a child's drawing is attached with how it was obtained and a checksum."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import call


def test_a_drawing_is_kept_with_its_provenance_and_checksum(client_factory):
    duty = client_factory("duty")
    child = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Iwan", family_name=f"Draws{uuid.uuid4().hex[:6]}", date_of_birth="2019-09-09", sex=pb.SEX_MALE)))
    doc = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="single-assessment"))
    drawing = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # a stand-in image
    added = call(duty, "AddAttachment", pb.AddAttachmentRequest(attachment=pb.Attachment(
        document=doc.name, filename="my-house.png", media_type="image/png", kind="drawing", provenance="direct",
        description="Iwan's drawing of his house: himself, his mum, and a dog; no one else.", content=drawing)))
    assert added.sha256 == hashlib.sha256(drawing).hexdigest() and added.size_bytes == len(drawing)
    assert added.content == b""  # lists stay light; the file comes with GetAttachment
    fetched = call(duty, "GetAttachment", pb.GetAttachmentRequest(name=added.name))
    assert fetched.content == drawing and fetched.provenance == "direct"

    with pytest.raises(ServiceError) as exc:
        call(duty, "AddAttachment", pb.AddAttachmentRequest(attachment=pb.Attachment(
            document=doc.name, filename="x.ogg", kind="song", provenance="guess", content=b"")))
    assert {"attachment.kind", "attachment.provenance", "attachment.description", "attachment.content"} <= set(
        exc.value.violations)
    with pytest.raises(ServiceError) as exc:
        call(client_factory("worker"), "GetAttachment", pb.GetAttachmentRequest(name=added.name))
    assert exc.value.code == "NOT_FOUND"

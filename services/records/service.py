"""records over gRPC: each handler checks the caller, then runs one transaction in a thread."""

from __future__ import annotations

import logging

from ics.records.v1 import records_pb2 as pb
from ics.records.v1 import records_pb2_grpc
from services.common import paging
from services.common.auth import caller
from services.common import reports as reports_common
from services.common.dates import parse_date, today_london
from services.common.db import Database
from services.common.errors import AlreadyExists
from services.common.signals import EventSignal
from services.common.names import parse_name
from services.records import (access, access_report, allocations, attachments, care, caseload, chronology,
                              documents, drafts, episodes, frontdoor, grants, households, merges, outbox, people, placements, plans, relationships,
                              reports, retention, story)
from services.records import refusals
from services.records.signing import Signer
from services.records.template_library import TemplateLibrary

PUBLIC_METHODS: set[str] = set()
log = logging.getLogger(__name__)
WATCH_BATCH = 500


class RecordsServicer(records_pb2_grpc.RecordsServiceServicer):
    def __init__(self, db: Database, signal: EventSignal, library: TemplateLibrary, signer: Signer,
                 poll_seconds: float = 1.0, schedule: retention.Schedule | None = None):
        self.db = db
        self.signal = signal
        self.library = library
        access.note_review_templates(library)
        self.signer = signer
        self.poll_seconds = poll_seconds
        self.schedule = schedule or retention.Schedule.load()
        self.draining = False

    def drain(self) -> None:
        """The service is stopping: open WatchEvents streams end, and followers resume elsewhere."""
        self.draining = True
        self.signal.notify()

    async def _write(self, fn):
        result = await self.db.write(fn)
        self.signal.notify()
        return result

    async def _write_refusing_duplicates(self, fn, who, kind: str, person=None):
        """_write, counting a refused likely-duplicate child or twin document for the recording-
        quality report. The refused transaction rolled back, so the count is a second one."""
        try:
            return await self._write(fn)
        except AlreadyExists as refused:
            try:
                await self.db.write(lambda s, refused=refused: refusals.record(s, who, kind, refused, person))
            except Exception:  # the worker must still hear why their record was refused
                log.exception("could not count a refused duplicate")
            raise refused

    async def CreatePerson(self, request, context):
        who = caller()
        return await self._write_refusing_duplicates(lambda s: people.to_proto(
            people.create(s, who, request.person, request.confirmed_not_duplicate)), who, refusals.CHILD,
            request.person)

    async def GetPerson(self, request, context):
        who = caller()
        person_id = parse_name(request.name, "people")
        # A read is audited, so it is a (small) write transaction.
        return await self.db.write(lambda s: people.to_proto(people.read(s, who, person_id)))

    async def UpdatePerson(self, request, context):
        who = caller()
        paths = list(request.update_mask.paths)
        return await self._write(lambda s: people.to_proto(people.update(s, who, request.person, paths)))

    async def MergePeople(self, request, context):
        who = caller()
        return await self._write(lambda s: merges.merge(s, who, request))

    async def UndoMerge(self, request, context):
        who = caller()
        return await self._write(lambda s: merges.undo(s, who, request))

    async def SearchPeople(self, request, context):
        who = caller()
        access.require(who, access.FIND, "search for children")
        dob = parse_date(request.date_of_birth, "date_of_birth", "date of birth") if request.date_of_birth else None
        limit = min(request.page_size or 20, 100)

        def work(s):
            found = people.search(s, who, request.query, dob, request.postcode, limit)
            families = relationships.families_of(s, who, [p.id for p, _ in found])
            return pb.SearchPeopleResponse(
                matches=[pb.PersonMatch(person=people.to_proto(p), score=score, family=families.get(p.id, []))
                         for p, score in found])

        return await self.db.write(work)

    async def RecordContact(self, request, context):
        who = caller()
        return await self._write_refusing_duplicates(lambda s: frontdoor.record_contact(s, who, request), who,
                                                     refusals.CHILD, request.new_person)

    async def GetReferral(self, request, context):
        who = caller()
        referral_id = parse_name(request.name, "referrals")
        return await self.db.write(lambda s: frontdoor.get_referral(s, who, referral_id))

    async def ListReferrals(self, request, context):
        who = caller()
        size = paging.page_size(request.page_size)
        offset = paging.decode_offset(request.page_token)

        def work(s):
            found = frontdoor.list_referrals(s, who, request.state, request.team, request.person, offset, size)
            return pb.ListReferralsResponse(referrals=found,
                                            next_page_token=paging.next_token(offset, size, len(found)))

        return await self.db.write(work)

    async def DecideReferral(self, request, context):
        who = caller()
        return await self._write(lambda s: frontdoor.decide(s, who, request))

    async def SaveDraft(self, request, context):
        who = caller()
        return await self.db.write(lambda s: drafts.to_proto(drafts.save(s, who, request)))

    async def GetDraft(self, request, context):
        who = caller()
        draft_id = parse_name(request.name, "drafts")
        return await self.db.read(lambda s: drafts.to_proto(drafts.get(s, who, draft_id)))

    async def ListDrafts(self, request, context):
        who = caller()
        limit = paging.page_size(request.page_size)
        return await self.db.read(lambda s: pb.ListDraftsResponse(
            drafts=[drafts.to_proto(d) for d in drafts.list_mine(s, who, request.kind, limit)]))

    async def DeleteDraft(self, request, context):
        who = caller()
        draft_id = parse_name(request.name, "drafts")
        await self.db.write(lambda s: drafts.delete(s, who, draft_id))
        return pb.DeleteDraftResponse()

    async def ListTemplates(self, request, context):
        caller()
        return pb.ListTemplatesResponse(templates=[
            documents.template_to_proto(t) for t in self.library.latest() if not request.kind or t.kind == request.kind])

    async def GetTemplate(self, request, context):
        caller()
        return documents.template_to_proto(documents.find_template(self.library, request.template_id, request.version))

    async def CreateDocument(self, request, context):
        who = caller()
        return await self._write_refusing_duplicates(lambda s: documents.create(s, who, self.library, request), who,
                                                     refusals.DOCUMENT)

    async def GetDocument(self, request, context):
        who = caller()
        document_id = parse_name(request.name, "documents")
        return await self.db.write(lambda s: documents.read(s, who, document_id))

    async def ListDocuments(self, request, context):
        who = caller()
        size = paging.page_size(request.page_size)
        offset = paging.decode_offset(request.page_token)

        def work(s):
            found = documents.list_for(s, who, request, offset, size)
            return pb.ListDocumentsResponse(documents=found, next_page_token=paging.next_token(offset, size, len(found)))

        return await self.db.write(work)

    async def UpdateDocument(self, request, context):
        who = caller()
        return await self._write(lambda s: documents.update(s, who, self.library, request))

    async def EndDocument(self, request, context):
        who = caller()
        return await self._write(lambda s: documents.end(s, who, self.library, self.signer, request))

    async def CopyDocumentToSiblings(self, request, context):
        who = caller()
        return await self._write(lambda s: pb.CopyDocumentToSiblingsResponse(
            documents=documents.copy_to_siblings(s, who, self.library, request)))

    async def AddAttachment(self, request, context):
        who = caller()
        return await self._write(lambda s: attachments.add(s, who, request.attachment))

    async def GetAttachment(self, request, context):
        who = caller()
        attachment_id = parse_name(request.name, "attachments")
        return await self.db.write(lambda s: attachments.get(s, who, attachment_id))

    async def SubmitDocument(self, request, context):
        who = caller()
        return await self._write(lambda s: documents.submit(s, who, self.library, request))

    async def ApproveDocument(self, request, context):
        who = caller()
        return await self._write(lambda s: documents.approve(s, who, self.library, self.signer, request))

    async def ReturnDocument(self, request, context):
        who = caller()
        return await self._write(lambda s: documents.send_back(s, who, request))

    async def AppendToDocument(self, request, context):
        who = caller()
        return await self._write(lambda s: documents.append(s, who, self.signer, request))

    async def SignDocument(self, request, context):
        who = caller()
        return await self._write(lambda s: documents.sign(s, who, self.signer, request))

    async def ExportDocument(self, request, context):
        who = caller()
        document_id = parse_name(request.name, "documents")
        return await self.db.write(lambda s: pb.ExportDocumentResponse(
            bundle_json=documents.export(s, who, self.signer, document_id)))

    async def RecordOutput(self, request, context):
        who = caller()
        return await self.db.write(lambda s: access_report.record_output(s, who, request))

    async def ListRelationshipTypes(self, request, context):
        caller()
        return await self.db.read(lambda s: pb.ListRelationshipTypesResponse(types=relationships.list_types(s)))

    async def CreateRelationshipType(self, request, context):
        who = caller()
        return await self.db.write(lambda s: relationships.create_type(s, who, request.type))

    async def CreateRelationship(self, request, context):
        who = caller()
        return await self._write(lambda s: relationships.create(s, who, request.relationship))

    async def ListRelationships(self, request, context):
        who = caller()
        return await self.db.write(lambda s: pb.ListRelationshipsResponse(
            relationships=relationships.list_for(s, who, request.child, request.needs_review_only)))

    async def UpdateRelationship(self, request, context):
        who = caller()
        paths = list(request.update_mask.paths)
        return await self._write(lambda s: relationships.update(s, who, request.relationship, paths))

    async def CreateHousehold(self, request, context):
        who = caller()
        return await self._write(lambda s: households.create(s, who, request))

    async def GetHousehold(self, request, context):
        who = caller()
        return await self.db.write(lambda s: households.get(s, who, request.name))

    async def ListHouseholds(self, request, context):
        who = caller()
        return await self.db.write(lambda s: pb.ListHouseholdsResponse(
            households=households.list_for(s, who, request.person)))

    async def JoinHousehold(self, request, context):
        who = caller()
        return await self._write(lambda s: households.join(s, who, request))

    async def LeaveHousehold(self, request, context):
        who = caller()
        return await self._write(lambda s: households.leave(s, who, request))

    async def UpdateHouseholdFacts(self, request, context):
        who = caller()
        return await self._write(lambda s: households.update_facts(s, who, self.library, request))

    async def AllocateWorker(self, request, context):
        who = caller()
        return await self._write(lambda s: allocations.allocate(s, who, request.allocation))

    async def ListAllocations(self, request, context):
        who = caller()
        return await self.db.write(lambda s: pb.ListAllocationsResponse(
            allocations=allocations.history(s, who, request.person)))

    async def ListCaseload(self, request, context):
        who = caller()
        size = paging.page_size(request.page_size)
        offset = paging.decode_offset(request.page_token)

        def work(s):
            entries = caseload.list_for(s, who, request, offset, size)
            return pb.ListCaseloadResponse(entries=entries, next_page_token=paging.next_token(offset, size, len(entries)))

        return await self.db.write(work)

    async def ListEpisodes(self, request, context):
        who = caller()
        return await self.db.write(lambda s: pb.ListEpisodesResponse(episodes=episodes.list_for(s, who, request.person)))

    async def CreatePlan(self, request, context):
        who = caller()
        return await self._write(lambda s: plans.create(s, who, request))

    async def GetPlan(self, request, context):
        who = caller()
        return await self.db.write(lambda s: plans.get(s, who, request.name))

    async def UpdateAction(self, request, context):
        who = caller()
        return await self._write(lambda s: plans.update_action(s, who, request))

    async def RecordReview(self, request, context):
        who = caller()
        return await self._write(lambda s: plans.record_review(s, who, request))

    async def EndPlan(self, request, context):
        who = caller()
        return await self._write(lambda s: plans.end(s, who, request))

    async def GetOutcomeProgress(self, request, context):
        who = caller()
        return await self.db.write(lambda s: plans.progress(s, who, request.person))

    async def CreateCarer(self, request, context):
        who = caller()
        return await self.db.write(lambda s: placements.create_carer(s, who, request.carer))

    async def UpdateCarer(self, request, context):
        who = caller()
        paths = list(request.update_mask.paths)
        return await self.db.write(lambda s: placements.update_carer(s, who, request.carer, paths))

    async def ListCarers(self, request, context):
        who = caller()
        return await self.db.read(lambda s: pb.ListCarersResponse(carers=placements.list_carers(s, who, request.kind)))

    async def StartPlacement(self, request, context):
        who = caller()
        return await self._write(lambda s: placements.start(s, who, self.library, request.placement))

    async def EndPlacement(self, request, context):
        who = caller()
        return await self._write(lambda s: placements.end(s, who, self.library, request))

    async def ListPlacements(self, request, context):
        who = caller()
        return await self.db.write(lambda s: pb.ListPlacementsResponse(
            placements=placements.list_for(s, who, request.child)))

    async def StartCare(self, request, context):
        who = caller()
        return await self._write(lambda s: care.start(s, who, self.library, request))

    async def ChangeLegalStatus(self, request, context):
        who = caller()
        return await self._write(lambda s: care.change_legal_status(s, who, self.library, request))

    async def EndCare(self, request, context):
        who = caller()
        return await self._write(lambda s: care.end(s, who, self.library, request))

    async def ListCarePeriods(self, request, context):
        who = caller()
        return await self.db.write(lambda s: pb.ListCarePeriodsResponse(
            care_periods=care.list_for(s, who, request.child)))

    async def GetCaseStory(self, request, context):
        who = caller()
        return await self.db.write(lambda s: story.tell(s, who, self.library, request.person))

    async def GetChronology(self, request, context):
        who = caller()
        return await self.db.write(lambda s: chronology.get(s, who, request.person, request.significant_only))

    async def AddChronologyEntry(self, request, context):
        who = caller()
        return await self._write(lambda s: chronology.add(s, who, request.person, request.entry))

    async def WatchEvents(self, request, context):
        access.require_service(caller())
        cursor = max(0, request.after_sequence)
        while not self.draining:
            seen = self.signal.generation
            batch = await self.db.read(lambda s: outbox.read_after(s, cursor, WATCH_BATCH))
            for event in batch:
                msg = pb.Event(sequence=event.sequence, type=event.type, subject=event.subject,
                               person=f"people/{event.person_id}" if event.person_id else "",
                               payload_json=event.payload_json)
                msg.occur_time.FromDatetime(event.occurred_at)
                msg.actor.user_name = f"users/{event.actor_user}"
                msg.actor.username = event.actor_username
                msg.actor.display_name = event.actor_name
                yield msg
                cursor = event.sequence
            if len(batch) < WATCH_BATCH:
                if not request.follow:
                    return
                await self.signal.wait(self.poll_seconds, seen)

    # ---- Record-level access ----

    async def SetRecordAccess(self, request, context):
        who = caller()
        return await self._write(lambda s: people.to_proto(grants.set_access(s, who, request)))

    async def GrantRecordAccess(self, request, context):
        who = caller()
        return await self._write(lambda s: grants.grant(s, who, request))

    async def RevokeRecordAccess(self, request, context):
        who = caller()
        return await self._write(lambda s: grants.revoke(s, who, request))

    async def ListRecordGrants(self, request, context):
        who = caller()
        return await self.db.write(lambda s: pb.ListRecordGrantsResponse(grants=grants.list_for(s, who, request)))

    async def BreakGlass(self, request, context):
        who = caller()
        return await self._write(lambda s: grants.break_glass(s, who, request))

    async def ListBreakGlassReviews(self, request, context):
        who = caller()
        return await self.db.write(lambda s: pb.ListRecordGrantsResponse(
            grants=grants.review_queue(s, who, request.include_reviewed)))

    async def ReviewBreakGlass(self, request, context):
        who = caller()
        return await self._write(lambda s: grants.review(s, who, request))

    async def GetAccessReport(self, request, context):
        who = caller()
        return await self.db.write(lambda s: access_report.report(s, who, request))

    # ---- Management reports ----

    async def ListReports(self, request, context):
        return reports_common.describe(caller(), reports.specs().values())

    async def GetReport(self, request, context):
        who = caller()
        today = today_london()
        spec, ask, report = await self.db.read(lambda s: reports.build(s, who, request, self.library, today))
        # Only the audit row is written: the report itself was read without holding up any save.
        return await self.db.write(lambda s: reports.audited(s, who, spec, ask, report))

    # ---- Retention ----

    async def ListRetentionRules(self, request, context):
        access.require(caller(), "retention.manage", "see the retention schedule")
        return retention.rules_to_proto(self.schedule)

    async def PlaceLegalHold(self, request, context):
        who = caller()
        return await self._write(lambda s: retention.place_hold(s, who, request))

    async def ReleaseLegalHold(self, request, context):
        who = caller()
        return await self._write(lambda s: retention.release_hold(s, who, request))

    async def ListLegalHolds(self, request, context):
        who = caller()
        return await self.db.read(lambda s: pb.ListLegalHoldsResponse(
            holds=retention.list_holds(s, who, request.include_released)))

    async def ListDisposalsDue(self, request, context):
        who = caller()
        return await self.db.write(lambda s: pb.ListDisposalsDueResponse(
            due=retention.list_due(s, who, self.schedule, request)))

    async def DisposeRecord(self, request, context):
        who = caller()
        disposal = await self._write(lambda s: retention.dispose(s, who, self.schedule, request))
        await self.db.scrub(retention.SCRUBBED_TABLES)
        return disposal

    async def ListDisposals(self, request, context):
        who = caller()
        return await self.db.read(lambda s: pb.ListDisposalsResponse(disposals=retention.list_disposals(s, who)))

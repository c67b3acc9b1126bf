"""The demo council: a few teams and workers, a few dozen synthetic children in families, and
contacts and referrals awaiting decision, decided, and overdue; and a dozen children with two
years' history through the synthetic-council generator (assessments, plans and reviews, child
protection, and a third of them looked after), so both statutory returns have children in them.
Every name is made up."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from ics.records.v1 import records_pb2 as pb
from services.alerts.calendar import WorkingCalendar
from services.common.config import IcsConfig
from services.common.dates import today_london
from services.common.db import Database
from services.identity import store as identity_store
from services.identity.models import User
from services.common.auth import Principal
from services.identity.store import principal_for
from services.records import frontdoor

DEMO_PASSWORD = "demo"
TEAMS = (("Duty and Assessment", True), ("Children in Need North", False), ("Child Protection", False))
USERS = (
    # username, display name, roles, teams (by position in TEAMS; first is their own team)
    ("duty", "Dana Duty", ["duty"], [0]),
    ("worker", "Wes Worker", ["worker"], [1]),
    ("leader", "Lee Leader", ["leader"], [0, 1]),
    ("admin", "Ada Admin", ["admin"], []),
    ("duty2", "Priya Patel", ["duty"], [0]),
    ("worker2", "Tom Okafor", ["worker"], [2]),
    ("manager", "Morgan Manager", ["manager"], [0, 1, 2]),
    ("senior", "Sasha Senior", ["senior"], [1]),
    ("iro", "Ira Reviewing", ["iro"], [2]),
    ("support", "Bea Support", ["support"], [1]),
    ("perf", "Pat Performance", ["performance"], []),
    ("partner", "Dr Nia Partner (health visitor)", ["partner"], []),
)
FAMILY_NAMES = ("Ashdown", "Brackley", "Carrow", "Dunmore", "Elstree", "Fenwick", "Garrity", "Holloway",
                "Ingleby", "Jessop", "Kettering", "Lomax", "Marchetti", "Nkemelu", "Oduya", "Pennick")
GIVEN = {pb.SEX_FEMALE: ("Amira", "Bethan", "Cerys", "Daisy", "Esme", "Freya", "Grace", "Hana", "Isla",
                         "Jasmine", "Keira", "Layla", "Maisie", "Nia", "Orla", "Poppy", "Ruby", "Seren"),
         pb.SEX_MALE: ("Alfie", "Bilal", "Callum", "Dylan", "Ethan", "Finley", "George", "Harvey", "Idris",
                       "Jayden", "Kai", "Leo", "Mason", "Noah", "Oscar", "Rhys", "Sami", "Theo")}
# (reason, source, youngest and oldest age in years it fits), so a baby is not "absent from school".
REASONS = (
    ("School reports bruising on the child's arm, unexplained.", pb.CONTACT_SOURCE_SCHOOL, 4, 17),
    ("Police attended a domestic incident at the home overnight; the child was present.",
     pb.CONTACT_SOURCE_POLICE, 0, 17),
    ("Health visitor concerned about the baby's weight and the conditions at home.", pb.CONTACT_SOURCE_HEALTH, 0, 2),
    ("Neighbour reports young children left alone in the evenings.", pb.CONTACT_SOURCE_FAMILY, 2, 10),
    ("Child told a teacher there is not enough food at home.", pb.CONTACT_SOURCE_SCHOOL, 5, 16),
    ("Parent asks for help managing the child's behaviour.", pb.CONTACT_SOURCE_FAMILY, 4, 17),
    ("Persistent absence from school; the family is not responding to letters.", pb.CONTACT_SOURCE_SCHOOL, 5, 16),
    ("Midwife concerned about the mother's drug use late in pregnancy.", pb.CONTACT_SOURCE_HEALTH, 0, 0),
)


def is_seeded(identity_db: Database) -> bool:
    return identity_db.read_sync(lambda s: s.scalar(select(func.count(User.id)))) > 0


def seed_identity(db: Database, config: IcsConfig) -> dict[str, User]:
    def work(s):
        teams = [identity_store.create_team(s, name, duty) for name, duty in TEAMS]
        users = {}
        for username, name, roles, team_positions in USERS:
            users[username] = identity_store.create_user(
                s, username, name, DEMO_PASSWORD, roles, [teams[i].id for i in team_positions],
                f"{username}@example.org")
        password = secrets.token_urlsafe(24)
        identity_store.create_user(s, config.alerts_service_username, "Alerts service", password, ["service"], [])
        path = config.service_password_file
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_text(password)
        path.chmod(0o600)
        return users

    return db.write_sync(work)


def seed_records(db: Database, users: dict[str, User], today: date | None = None) -> int:
    """Records contacts as the demo duty workers would have, spread over the last few weeks."""
    rng = random.Random(2026)
    today = today or today_london()
    calendar = WorkingCalendar()
    duty, duty2, leader = (staff_principal(users[name]) for name in ("duty", "duty2", "leader"))
    count = 0
    for index, family in enumerate(FAMILY_NAMES):
        postcode = f"ZZ{index % 9 + 1} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        for _child in range(rng.choice((1, 2, 2, 3))):
            sex = rng.choice((pb.SEX_FEMALE, pb.SEX_MALE))
            dob = today - timedelta(days=rng.randint(200, 17 * 365))
            # Most contacts are old and decided; the newest few await a decision. Counted in
            # working days, so some are overdue whatever day of the week the demo starts.
            days_ago = rng.choice((0, 0, 1, 2, 3, 5, 8, 13, 21, 30, 45))
            received = _working_days_before(calendar, today, days_ago)
            recorder = duty if count % 2 == 0 else duty2
            age = (received - dob).days // 365
            reason, source = rng.choice([(r, s) for r, s, young, old in REASONS if young <= age <= old])
            request = pb.RecordContactRequest(
                new_person=pb.Person(given_name=rng.choice(GIVEN[sex]), family_name=family,
                                     date_of_birth=dob.isoformat(), sex=sex, postcode=postcode),
                received_date=received.isoformat(), source=source, reason=reason,
                confirmed_not_duplicate=True,
            )
            reply = db.write_sync(lambda s: frontdoor.record_contact(s, recorder, request))
            count += 1
            if days_ago >= 5 or (days_ago >= 1 and rng.random() < 0.3):
                # Mostly on time; now and then a day or two late, as the report found.
                late = rng.choice((0, 0, 0, 1, 2))
                decided = min(today, calendar.add_working_days(received, 1 + late))
                decision = rng.choice((pb.REFERRAL_DECISION_NO_FURTHER_ACTION, pb.REFERRAL_DECISION_ASSESSMENT,
                                       pb.REFERRAL_DECISION_ADVICE_SIGNPOSTING, pb.REFERRAL_DECISION_ASSESSMENT))
                db.write_sync(lambda s: frontdoor.decide(s, leader, pb.DecideReferralRequest(
                    name=reply.referral.name, decision=decision, reason="Decided at the duty meeting.",
                    decided_date=decided.isoformat())))
    return count


# A few children with two years' history, some of them looked after, so the demo has the whole
# journey to show (plans, reviews, placements) and both statutory returns have children in them.
LOOKED_AFTER_CHILDREN, LOOKED_AFTER_SHARE, LOOKED_AFTER_SEED = 12, 0.34, 2026


def seed_histories(db: Database, users: dict[str, User], signer, today: date | None = None):
    """Whole journeys through the synthetic-council generator (services/records/generate.py),
    by the demo's own staff; about a third of the children come to be looked after."""
    from services.records.generate import generate
    from services.records.template_library import TemplateLibrary

    staff = {name: staff_principal(users[name]) for name in ("duty", "leader", "manager", "worker", "worker2")}
    return generate(db, TemplateLibrary.load(), signer, staff, LOOKED_AFTER_CHILDREN, 2, LOOKED_AFTER_SEED,
                    today or today_london(), looked_after_share=LOOKED_AFTER_SHARE)


def _working_days_before(calendar: WorkingCalendar, day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        n -= calendar.is_working_day(day)
    return day


def staff_principal(user: User) -> Principal:
    """The demo staff acting directly on the records write paths (seeding, generating), with no
    session to expire: the same principal the identity service would vouch for."""
    return principal_for(user, datetime(2100, 1, 1, tzinfo=timezone.utc))

"""The ICS exemplars as data (R-FORMS, R-PATHWAYS, R-ANSWER-STATUS).

Each template is a YAML file, `templates/<name>/v<version>.yaml`; a council adds or rewords a
question by adding a new version file, never by changing code, and every document keeps the
(name, version) it was written with. Councils keep their files in a folder of their own, laid out
the same way (the records setting `templates_dir`), read after the shipped ones at records
start-up, so restarting records alone picks up a change. Loading checks every file and reports
each fault in plain words, so a broken edit is refused at start-up rather than showing a broken
form to a worker.

Shape of a file (see templates/contact-record/v1.yaml):

    name: contact-record            # stable id; the folder's name
    version: 1                      # the file's name: v1.yaml
    title: Contact Record           # exactly the exemplar's name
    kind: contact                   # see KINDS
    age_band: {from_months: 0, to_months: 12}     # optional; for age-banded exemplars
    family_title: {en: ..., cy: ...}              # what a child or parent reads
    sections:
      - id: about_the_child
        title: About the child
        domain: child_developmental_needs         # optional; see DOMAINS
        short: true                               # part of the short version
        show_if: {question: decision, in: [assessment]}   # optional pathway
        family_title: {en: ..., cy: ...}
        questions:
          - id: date_of_birth
            label: Date of birth
            type: date                            # see TYPES
            mandatory: true                       # one of the few identifying fields (R-PATHWAYS)
            short: true
            choices: [{value: F, label: Female}]  # choice and multi_choice only
            show_if: {question: ..., equals: ...} # optional
            family_label: {en: ..., cy: ...}
            statutory: [{return: cin, item: PersonBirthDate}]

Every answer carries a status (ANSWER_STATUSES) and an optional reason; that is not repeated in
the files because it applies to every question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from services.records.statutory import RETURNS

ANSWER_STATUSES = ("answered", "not_known", "not_applicable", "declined", "not_yet_asked")
ANSWERED_STATUS = 1  # ANSWER_STATUS_ANSWERED, as stored with every answer
TYPES = ("text", "long_text", "date", "choice", "multi_choice", "yes_no", "number")
KINDS = ("contact", "referral", "assessment", "child_protection", "plan", "review", "placement",
         "progress", "closure", "note", "supervision", "migration")
DOMAINS = ("child_developmental_needs", "parenting_capacity", "family_and_environmental_factors")
LANGUAGES = ("en", "cy")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TemplateError(ValueError):
    """Every fault found in the template files, one per line."""


@dataclass(frozen=True)
class Condition:
    question: str
    equals: Any = None
    among: tuple = ()
    answered: bool | None = None

    def holds(self, answers: dict[str, Any]) -> bool:
        value = answers.get(self.question)
        if self.answered is not None:
            return (value not in (None, "", [])) == self.answered
        if self.among:
            if isinstance(value, str) and "," in value:  # a multi_choice answer as stored: "a,b"
                value = [part.strip() for part in value.split(",")]
            return value in self.among or (isinstance(value, list) and bool(set(value) & set(self.among)))
        return value == self.equals


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    type: str
    mandatory: bool = False
    short: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    show_if: Condition | None = None
    family_label: dict[str, str] = field(default_factory=dict)
    statutory: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]
    domain: str = ""
    short: bool = False
    show_if: Condition | None = None
    family_title: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Template:
    name: str
    version: int
    title: str
    kind: str
    sections: tuple[Section, ...]
    family_title: dict[str, str] = field(default_factory=dict)
    age_band: tuple[int, int] | None = None

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def statutory_answers(self, answers: dict[str, dict], ret: str) -> dict[str, str]:
        """The answered questions that feed return `ret` ("cin" or "ssda903"), by the return's
        item name (the first question to feed an item wins). "Declined" and "not known" are not
        values, so only answered questions count."""
        found: dict[str, str] = {}
        for question in self.questions():
            answer = answers.get(question.id) or {}
            if answer.get("status", ANSWERED_STATUS) != ANSWERED_STATUS or not answer.get("value"):
                continue
            for tag_return, item in question.statutory:
                if tag_return == ret:
                    found.setdefault(item, str(answer["value"]))
        return found

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions() if q.id == question_id)

    @property
    def mandatory(self) -> list[str]:
        return [q.id for q in self.questions() if q.mandatory]

    @property
    def domains(self) -> set[str]:
        return {s.domain for s in self.sections if s.domain}

    def visible(self, answers: dict[str, Any], short: bool = False) -> list[tuple[Section, list[Question]]]:
        """The sections and questions that apply to these answers (and, if asked, the short version)."""
        shown = []
        for section in self.sections:
            if (short and not section.short) or (section.show_if and not section.show_if.holds(answers)):
                continue
            questions = [q for q in section.questions
                         if (not short or q.short or q.mandatory) and (not q.show_if or q.show_if.holds(answers))]
            if questions:
                shown.append((section, questions))
        return shown


class _Checker:
    def __init__(self, where: str):
        self.where = where
        self.faults: list[str] = []

    def fault(self, text: str) -> None:
        self.faults.append(f"{self.where}: {text}")

    def wording(self, value: Any, what: str) -> dict[str, str]:
        if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                                  for lang in LANGUAGES):
            self.fault(f"{what} needs family wording in English and Welsh ({{en: ..., cy: ...}})")
            return {}
        return {lang: value[lang] for lang in LANGUAGES}

    def condition(self, value: Any, known: set[str], what: str) -> Condition | None:
        if value is None:
            return None
        if not isinstance(value, dict) or "question" not in value:
            self.fault(f"{what}: show_if needs a question")
            return None
        if value["question"] not in known:
            self.fault(f"{what}: show_if names {value['question']!r}, which is not an earlier question")
        if "in" in value:
            return Condition(value["question"], among=tuple(value["in"]))
        if "answered" in value:
            return Condition(value["question"], answered=bool(value["answered"]))
        if "equals" in value:
            return Condition(value["question"], equals=value["equals"])
        self.fault(f"{what}: show_if needs equals, in or answered")
        return None


def parse(doc: dict, where: str) -> Template:
    check = _Checker(where)
    for key in ("name", "version", "title", "kind", "sections"):
        if key not in doc:
            check.fault(f"missing {key}")
    if check.faults:
        raise TemplateError("\n".join(check.faults))
    if doc["kind"] not in KINDS:
        check.fault(f"kind {doc['kind']!r} is not one of {', '.join(KINDS)}")
    age_band = None
    if "age_band" in doc:
        band = doc["age_band"] or {}
        age_band = (int(band.get("from_months", 0)), int(band.get("to_months", 0)))
    seen: set[str] = set()
    sections = []
    for s_index, raw_section in enumerate(doc["sections"] or []):
        sid = raw_section.get("id", f"#{s_index + 1}")
        if sid in seen:
            check.fault(f"section id {sid!r} is used twice")
        seen.add(sid)
        domain = raw_section.get("domain", "") or ""
        if domain and domain not in DOMAINS:
            check.fault(f"section {sid}: domain {domain!r} is not one of {', '.join(DOMAINS)}")
        section_condition = check.condition(raw_section.get("show_if"), seen, f"section {sid}")
        questions = []
        for raw in raw_section.get("questions") or []:
            qid = raw.get("id", "")
            what = f"question {qid or '(no id)'}"
            if not qid or not str(qid).replace("_", "").isalnum():
                check.fault(f"{what}: id must be letters, digits and _")
            if qid in seen:
                check.fault(f"{what}: id is used twice")
            if not str(raw.get("label", "")).strip():
                check.fault(f"{what}: needs a label")
            qtype = raw.get("type")
            if qtype not in TYPES:
                check.fault(f"{what}: type {qtype!r} is not one of {', '.join(TYPES)}")
            choices = tuple((str(c["value"]), str(c["label"])) for c in raw.get("choices") or [])
            if qtype in ("choice", "multi_choice") and not choices:
                check.fault(f"{what}: a {qtype} question needs choices")
            statutory = []
            for feed in raw.get("statutory") or []:
                ret, item = feed.get("return"), feed.get("item")
                if ret not in RETURNS or item not in RETURNS[ret]:
                    check.fault(f"{what}: statutory item {ret}/{item} is not one the returns use")
                statutory.append((ret, item))
            condition = check.condition(raw.get("show_if"), seen, what)
            seen.add(qid)
            questions.append(Question(
                id=qid, label=str(raw.get("label", "")), type=qtype, mandatory=bool(raw.get("mandatory")),
                short=bool(raw.get("short")), choices=choices, show_if=condition,
                family_label=check.wording(raw.get("family_label"), what), statutory=tuple(statutory),
            ))
        if not questions:
            check.fault(f"section {sid}: has no questions")
        sections.append(Section(
            id=sid, title=str(raw_section.get("title", "")), questions=tuple(questions), domain=domain,
            short=bool(raw_section.get("short")), show_if=section_condition,
            family_title=check.wording(raw_section.get("family_title"), f"section {sid}"),
        ))
    template = Template(
        name=str(doc["name"]), version=int(doc["version"]), title=str(doc["title"]), kind=doc["kind"],
        sections=tuple(sections), family_title=check.wording(doc.get("family_title"), "the template"),
        age_band=age_band,
    )
    if template.kind == "assessment" and not set(DOMAINS) <= template.domains:
        check.fault("an assessment must cover the three Assessment Framework domains: " + ", ".join(DOMAINS))
    if check.faults:
        raise TemplateError("\n".join(check.faults))
    return template


def from_definition(doc: dict) -> Template:
    """A template from its `definition_json` (dataclasses.asdict of it, as GetTemplate sends it),
    so a front end walks the same pathways (`Template.visible`) the service checks."""
    def condition(raw):
        return Condition(raw["question"], raw["equals"], tuple(raw["among"]), raw["answered"]) if raw else None

    sections = tuple(
        Section(s["id"], s["title"], tuple(
            Question(q["id"], q["label"], q["type"], q["mandatory"], q["short"],
                     tuple(tuple(c) for c in q["choices"]), condition(q["show_if"]), q["family_label"],
                     tuple(tuple(x) for x in q["statutory"]))
            for q in s["questions"]), s["domain"], s["short"], condition(s["show_if"]), s["family_title"])
        for s in doc["sections"])
    return Template(doc["name"], doc["version"], doc["title"], doc["kind"], sections, doc["family_title"],
                    tuple(doc["age_band"]) if doc["age_band"] else None)


class TemplateLibrary:
    def __init__(self, templates: list[Template]):
        self._by_key = {(t.name, t.version): t for t in templates}

    @classmethod
    def load(cls, root: Path | None = None, council_dir: Path | str | None = None) -> "TemplateLibrary":
        """The shipped templates (or those under `root`), then the council's own folder if given.

        The council's folder has the same layout, `<name>/v<N>.yaml`. Its files may add a template
        or a new version of a shipped one, never replace a shipped version: documents keep the
        (name, version) they were written with, so a reworded question is a new version file.
        Every fault in every file is reported at once, each naming its file."""
        root = root or Path(str(resources.files("services.records") / "templates"))
        shipped, faults = _read(root, lambda path: str(path.relative_to(root)))
        templates = [t for t, _ in shipped]
        if council_dir:
            council = Path(council_dir).expanduser()
            if not council.is_dir():
                raise TemplateError(f"{council}: the council's templates folder (records templates_dir) "
                                    "does not exist or is not a folder")
            own, own_faults = _read(council, str)
            faults += own_faults
            laid_out = set(council.glob("*/v*.yaml"))
            for path in sorted({*council.rglob("*.yaml"), *council.rglob("*.yml")} - laid_out):
                faults.append(f"{path}: not read; a template file goes in <name>/v<version>.yaml, "
                              "e.g. contact-record/v2.yaml")
            versions = {(t.name, t.version) for t in templates}
            for template, where in own:
                if (template.name, template.version) in versions:
                    following = 1 + max(t.version for t in [*templates, *(t for t, _ in own)]
                                        if t.name == template.name)
                    faults.append(f"{where}: {template.name} version {template.version} ships with ICS and "
                                  "cannot be replaced (documents keep the version they were written with); "
                                  f"put the changed template in a new version file, {template.name}/"
                                  f"v{following}.yaml")
                else:
                    templates.append(template)
        if faults:
            raise TemplateError("\n".join(faults))
        return cls(templates)

    def get(self, name: str, version: int | None = None) -> Template:
        if version is None:
            versions = [v for n, v in self._by_key if n == name]
            if not versions:
                raise KeyError(name)
            version = max(versions)
        return self._by_key[(name, version)]

    def latest(self) -> list[Template]:
        names = sorted({n for n, _ in self._by_key})
        return [self.get(n) for n in names]

    def all_versions(self) -> list[Template]:
        """Every version of every template: old documents keep the version they were written with."""
        return [self._by_key[key] for key in sorted(self._by_key)]

    def __len__(self) -> int:
        return len(self._by_key)


def _read(root: Path, where_of) -> tuple[list[tuple[Template, str]], list[str]]:
    """Every `<name>/v<N>.yaml` under root, parsed and checked: (template, where) pairs and faults."""
    found, faults = [], []
    for path in sorted(root.glob("*/v*.yaml")):
        where = where_of(path)
        try:
            # The C parser (bundled with PyYAML) is ten times faster: start-up waits on this.
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
            if doc is not None and not isinstance(doc, dict):
                raise TemplateError(f"{where}: not a template (expected name:, version:, sections: ...)")
            template = parse(doc or {}, where)
        except yaml.YAMLError as exc:
            faults.append(f"{where}: not valid YAML: {exc}")
            continue
        except TemplateError as exc:
            faults.append(str(exc))
            continue
        except UnicodeDecodeError as exc:
            faults.append(f"{where}: not UTF-8 text ({exc})")
            continue
        except (AttributeError, TypeError, ValueError, KeyError) as exc:  # a list where a mapping belongs, ...
            faults.append(f"{where}: not laid out as a template ({exc.__class__.__name__}: {exc}); "
                          "compare it with a shipped file")
            continue
        if template.name != path.parent.name or f"v{template.version}.yaml" != path.name:
            faults.append(f"{where}: name and version must match the folder and file "
                          f"({path.parent.name}/v{template.version}.yaml)")
        found.append((template, where))
    return found, faults

"""Imports of the registry through the shared pipeline: the people roster (花名册), the
employment and social-insurance records (就业参保), graduates' education records (学历, for the
entry level of evaluations, 002 §四(二)1) and practising licences (从业资格证).

The roster is the large one (100,000 rows), so it validates a whole chunk in memory, looks up the
chunk's ID hashes in one query and writes new persons, their categories, ledger lines and audit
entries with bulk inserts. A row already in the registry with the same data is "unchanged",
which makes a re-run after a crash store every valid row exactly once.
"""

import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import PersonCategory, Region
from jineng.core import audit, bulk
from jineng.core.i18n import language
from jineng.core.imports import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    ImportFileError,
    ImportRun,
    ImportSpec,
    Row,
    row_by_row,
)
from jineng.core.roles import Capability
from jineng.people import identity, ledger, services
from jineng.people.models import (
    CategoryRecord,
    DocumentKind,
    LedgerEvent,
    LicenceType,
    Person,
    SchoolKind,
)
from jineng.policy import labels

CATEGORY_SEPARATORS = "、,，;；/ "

ROSTER_COLUMNS = (
    Column("name", gettext_lazy("Full name"), example="张三", aliases=("学员姓名", "名字")),
    Column(
        "id_number", gettext_lazy("ID number"), example="41140219900307123X",
        aliases=("公民身份号码", "身份证号码", "身份证号", "身份证", "证件号码", "证件号"),
        help=gettext_lazy("Format the column as text: Excel turns long numbers into 4.11402E+17"),
    ),
    Column("document_kind", gettext_lazy("Document"), required=False, example="居民身份证",
           aliases=("证件类型",)),
    Column("phone", gettext_lazy("Phone"), required=False, example="13800000000",
           aliases=("手机号码", "手机号", "手机", "联系电话", "电话")),
    Column("categories", gettext_lazy("Categories"), required=False, example="农村转移就业劳动者",
           aliases=("人员类别", "类别"),
           help=gettext_lazy("Names or codes, separated by 、")),
    Column("graduation_year", gettext_lazy("Graduation year"), required=False,
           aliases=("毕业年份", "毕业年度"),
           help=gettext_lazy("Graduates and school leavers: the year they left school")),
    Column("birth_date", gettext_lazy("Birth date"), required=False, aliases=("出生日期",),
           help=gettext_lazy("Checked against the ID number")),
    Column("sex", gettext_lazy("Sex"), required=False, aliases=("性别",), example="男"),
)  # fmt: skip


def _document_kind(text: str) -> str:
    """A document kind by its code or its name in either language (居民身份证, Passport, ...)."""
    if not text:
        return DocumentKind.ID_CARD
    names = {"身份证": DocumentKind.ID_CARD}
    for code in ("zh-hans", "en"):
        with translation.override(code):
            names.update({str(label): value for value, label in DocumentKind.choices})
    kind = text if text in DocumentKind.values else names.get(text)
    if kind is None:
        raise ValidationError({"document_kind": _("Unknown document: %(text)s") % {"text": text}})
    return kind


def _typed_date(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10].replace("/", "-").replace(".", "-"))
    except ValueError:
        raise ValidationError(
            {field: _("“%(text)s” is not a date (YYYY-MM-DD).") % {"text": text}}
        ) from None


class RosterChunk:
    """Validation and bulk writing of one chunk of roster rows."""

    def __init__(self, run: ImportRun):
        self.run = run
        self.state = run.state
        if "regions" not in self.state:
            self.state["regions"] = {r.code: r for r in Region.objects.all()}
            self.state["categories"] = {
                key: c for c in PersonCategory.objects.all() for key in (c.code, c.name)
            }
            self.state["seen"] = {}  # ID hash -> row number, for duplicates inside the file
        self.regions = self.state["regions"]
        self.today = timezone.localdate()  # read once a chunk, not once a row

    def parse(self, row: Row):
        """(document, values) of a valid row, or None after rejecting it."""
        values = row.values
        try:
            identity.check_not_mangled(row.raw["id_number"])
        except identity.IdentityError as problem:
            self.run.reject(row, "id_number", problem.message(language()))
            return None
        try:
            document = services.check_identity(
                _document_kind(values.get("document_kind", "")), values["id_number"],
                # identity reads typed dates and sexes as people write them (1990/1/31, 男)
                birth_date=values.get("birth_date") or None, sex=values.get("sex") or None,
                region_check=self.regions.__contains__, today=self.today,
            )  # fmt: skip
            phone = services.check_phone(values["phone"]) if values.get("phone") else ""
            categories = self._categories(values)
        except ValidationError as problem:
            self.run.reject_error(row, problem)
            return None
        return document, phone, categories

    def _categories(self, values) -> list[tuple[PersonCategory, int | None]]:
        text = values.get("categories", "")
        names = [part for part in _split(text) if part]
        year_text = values.get("graduation_year", "")
        year = int(year_text) if year_text.isdecimal() else None
        if year_text and year is None:
            raise ValidationError(
                {"graduation_year": _("“%(text)s” is not a year.") % {"text": year_text}}
            )
        chosen = []
        for name in names:
            category = self.state["categories"].get(name)
            if category is None:
                raise ValidationError(
                    {"categories": _("Unknown person category: %(code)s") % {"code": name}}
                )
            services.category_period(
                category.code, self.today, None, year
            )  # graduates and school leavers need a year
            chosen.append((category, year))
        return chosen


def _split(text: str) -> list[str]:
    for separator in CATEGORY_SEPARATORS[1:]:
        text = text.replace(separator, CATEGORY_SEPARATORS[0])
    return text.split(CATEGORY_SEPARATORS[0])


def bureau_finder(run: ImportRun):
    """Where the chunk's persons register: the organisation the import was given, or else the
    bureau of each person's region (`services.BureauOfRegion`), found once per file."""
    given = run.options.context.get("organisation")
    if given is not None:
        return lambda region_code: given
    if "bureaus" not in run.state:
        run.state["bureaus"] = services.BureauOfRegion()
        if not run.state["bureaus"]:
            raise ImportFileError(
                _("No bureau exists yet to register these people with: set up the bureaus first "
                  "(jineng setup --region CODE).")
            )  # fmt: skip
    return run.state["bureaus"]


def apply_roster_chunk(rows: list[Row], run: ImportRun) -> None:
    """Every check of every row, then the crypto of the chunk in batches (the ID hashes of all
    its valid rows at once, the encryption of its new persons at once) and its writes with one
    bulk insert per table."""
    chunk = RosterChunk(run)
    bureau_of = bureau_finder(run)
    valid = [(row, result) for row in rows if (result := chunk.parse(row)) is not None]
    # Every hash each number may be stored under (more than one while a key rotates), the
    # current one first: the key of duplicates inside the file and of the person made.
    all_hashes = services.id_hashes_many(
        (document.kind, document.number) for _row, (document, _phone, _cats) in valid
    )
    parsed = []
    for (row, (document, phone, categories)), hashes in zip(valid, all_hashes, strict=True):
        key = hashes[0]
        first = chunk.state["seen"].get(key)
        if first is not None:
            run.reject(
                row,
                "id_number",
                _("The same person is already in row %(row)d of this file.") % {"row": first},
            )
            continue
        chunk.state["seen"][key] = row.number
        parsed.append((row, hashes, document, phone, categories))
    existing = {
        p.id_number_hash: p
        for p in Person.objects.filter(
            id_number_hash__in=[digest for item in parsed for digest in item[1]]
        )
    }
    new, new_categories = [], []
    for row, hashes, document, phone, categories in parsed:
        person = next((existing[digest] for digest in hashes if digest in existing), None)
        if person is not None:
            _known_person(run, row, person, phone)
            continue
        organisation = bureau_of(document.region_code)
        if organisation is None:
            message = _("No bureau covers the region %(code)s of this number: import with --org.")
            run.reject(row, "id_number", message % {"code": document.region_code or "-"})
            continue
        new.append(services.NewPerson(document, row.values["name"], organisation, phone,
                                      id_hash=hashes[0]))  # fmt: skip
        new_categories.append(categories)
    source = run.options.context.get("source", "import")
    persons = services.new_persons(new, source=source, regions=chunk.regions)
    _store(persons, new_categories, run)


def _known_person(run: ImportRun, row: Row, person: Person, phone: str) -> None:
    name = " ".join(row.values["name"].split())
    changes = {}
    if person.name != name:
        changes["name"] = name
    if phone and person.phone_hash not in services.phone_hashes(phone):
        changes["phone"] = phone
    if not changes:
        run.count(UNCHANGED)
        return
    if not run.options.update:
        run.reject(
            row,
            "id_number",
            _("Already registered with other data; import with “update” to change it."),
        )
        return
    services.update_person(person, **changes)
    run.count(UPDATED)


def _store(persons: list[Person], categories: list, run: ImportRun) -> None:
    if not persons:
        return
    bulk.insert(Person, persons)
    ids = dict(
        Person.objects.filter(id_number_hash__in=[p.id_number_hash for p in persons]).values_list(
            "id_number_hash", "id"
        )
    )
    today = timezone.localdate()
    registered = _("Registered by real name")
    records, events = [], []
    for person, chosen in zip(persons, categories, strict=True):
        person.pk = ids[person.id_number_hash]
        events.append(ledger.event(person, ledger.Kind.REGISTERED, registered,
                                   detail={"source": person.source}))  # fmt: skip
        for category, year in chosen:
            start, end = services.category_period(category.code, today, None, year)
            records.append(CategoryRecord(person=person, category=category, valid_from=start,
                                          valid_to=end, source=person.source))  # fmt: skip
            events.append(ledger.event(person, ledger.Kind.CATEGORY, category.name))
    bulk.insert(CategoryRecord, records)
    bulk.insert(LedgerEvent, events)
    audit.record_created(persons, message=_("roster import"))
    if records:  # the persons are new, so every category record of theirs is one just made
        stored = CategoryRecord.objects.filter(person__in=persons).select_related("person")
        audit.record_created(list(stored), message=_("roster import"))
    run.report.counts[CREATED] += len(persons)


ROSTER = ImportSpec(
    name="people",
    title=gettext_lazy("People roster"),
    columns=ROSTER_COLUMNS,
    apply_chunk=apply_roster_chunk,
    export_rows=lambda: iter(()),  # the roster is never exported whole: ID numbers stay inside
    capability=Capability.IMPORT_PEOPLE,
)


def _apply_employment(values: dict[str, str], organisation) -> str:
    person = services.find_by_id_number(values["id_number"])
    # A bureau records employment of its own people; elsewhere the person does not exist for it.
    # Without an organisation (`jineng import employment FILE`) the system records anyone's.
    if person is None or (
        organisation is not None and not person.organisation.path.startswith(organisation.path)
    ):
        raise ValidationError({"id_number": _("This person is not in the registry.")})
    months = values.get("insured_months", "") or "0"
    if not months.isdecimal():
        raise ValidationError({"insured_months": _("The insured months are a whole number.")})
    start = _typed_date(values["start"], "start")
    _record, outcome = services.add_employment(
        person,
        employer_uscc=values["employer_uscc"],
        employer_name=values.get("employer_name", ""),
        start=start,
        end=_typed_date(values.get("end", ""), "end"),
        insured_months=int(months),
        source="import",
    )
    return outcome


def _apply_employment_chunk(rows: list[Row], run: ImportRun) -> None:
    organisation = run.options.context.get("organisation")
    row_by_row(lambda values: _apply_employment(values, organisation))(rows, run)


EMPLOYMENT = ImportSpec(
    name="employment",
    title=gettext_lazy("Employment and social insurance"),
    columns=(
        ROSTER_COLUMNS[1],
        Column(
            "employer_uscc",
            gettext_lazy("Employer's unified social credit code"),
            example="91411400MA00000000",
            aliases=("统一社会信用代码", "单位统一社会信用代码"),
        ),
        Column(
            "employer_name",
            gettext_lazy("Employer"),
            required=False,
            aliases=("单位名称", "用人单位"),
        ),
        Column(
            "start",
            gettext_lazy("Start"),
            example="2026-03-01",
            aliases=("参保开始日期", "起始日期", "开始日期", "入职日期"),
        ),
        Column("end", gettext_lazy("End"), required=False, aliases=("终止日期", "结束日期")),
        Column(
            "insured_months",
            gettext_lazy("Insured months"),
            required=False,
            example="6",
            aliases=("缴费月数", "参保月数"),
        ),
    ),  # fmt: skip
    apply_chunk=_apply_employment_chunk,
    export_rows=lambda: iter(()),
    capability=Capability.IMPORT_PEOPLE,
)

# Short names people write for the kinds of school, besides the codes and the full labels.
SCHOOL_KIND_WORDS = {
    "中等职业学校": SchoolKind.SECONDARY_VOCATIONAL,
    "中职": SchoolKind.SECONDARY_VOCATIONAL,
    "中专": SchoolKind.SECONDARY_VOCATIONAL,
    "职业高中": SchoolKind.SECONDARY_VOCATIONAL,
    "职高": SchoolKind.SECONDARY_VOCATIONAL,
    "技工学校": SchoolKind.TECHNICAL_SCHOOL,
    "技校": SchoolKind.TECHNICAL_SCHOOL,
    "高级技工学校": SchoolKind.SENIOR_TECHNICAL_SCHOOL,
    "技师学院": SchoolKind.SENIOR_TECHNICAL_SCHOOL,
    "高等职业学校": SchoolKind.HIGHER_VOCATIONAL,
    "高职": SchoolKind.HIGHER_VOCATIONAL,
    "专科": SchoolKind.HIGHER_VOCATIONAL,
    "大专": SchoolKind.HIGHER_VOCATIONAL,
    "本科应用型": SchoolKind.UNDERGRADUATE_APPLIED,
    "本科院校应用型专业": SchoolKind.UNDERGRADUATE_APPLIED,
    "本科": SchoolKind.UNDERGRADUATE,
}


def _school_kind(text: str) -> str:
    """A kind of school by its code, its label in either language or a short name (中专, 高职)."""
    names = dict(SCHOOL_KIND_WORDS)
    for code in ("zh-hans", "en"):
        with translation.override(code):
            names.update({str(label): value for value, label in SchoolKind.choices})
    kind = text if text in SchoolKind.values else names.get(text)
    if kind is None:
        raise ValidationError(
            {"school_kind": _("Unknown kind of school: %(text)s (write e.g. 中等职业学校, "
                              "技工学校, 高等职业学校, 本科院校应用型专业)") % {"text": text}}
        )  # fmt: skip
    return kind


def _person_of(values: dict[str, str], organisation) -> Person:
    """The registry person of the row's ID number, within the importing bureau's region."""
    person = services.find_by_id_number(values["id_number"])
    # A bureau records the facts of its own people; elsewhere the person does not exist for it.
    # Without an organisation (`jineng import KIND FILE`) the system records anyone's.
    if person is None or (
        organisation is not None and not person.organisation.path.startswith(organisation.path)
    ):
        raise ValidationError({"id_number": _("This person is not in the registry.")})
    return person


def _licence_type(text: str) -> str:
    """A licence type by its code or its name in either language (特种作业操作证（电工作业）,
    保安员证, Security guard certificate (保安员证), ...), full-width or not, spaces ignored."""

    def key(name: str) -> str:
        return "".join(unicodedata.normalize("NFKC", name).split()).lower()

    names = {}
    for code, (name_zh, name_en) in labels.LICENCE_TYPE.items():
        names.update({key(name_zh): code, key(name_en): code, key(code): code})
    for language_code in ("zh-hans", "en"):
        with translation.override(language_code):
            names.update({key(str(label)): value for value, label in LicenceType.choices})
    kind = names.get(key(text))
    if kind is None:
        raise ValidationError({"licence_type": _("Unknown licence: %(text)s") % {"text": text}})
    return kind


def _apply_licence(values: dict[str, str], organisation) -> str:
    """One licence of a registered person: recorded (add_licence), found unchanged, or its
    validity corrected when the same licence from the same day comes with another end."""
    person = _person_of(values, organisation)
    licence_type = _licence_type(values["licence_type"])
    start = _typed_date(values["valid_from"], "valid_from")
    end = _typed_date(values.get("valid_to", ""), "valid_to")
    existing = (
        services.find_licence(licence_type, values["number"], person=person)
        .filter(valid_from=start)
        .first()
    )
    if existing is not None:
        if existing.valid_to == end:
            return UNCHANGED
        services.change_licence(
            existing, valid_from=start, valid_to=end, evidence=values.get("evidence", "")
        )
        return UPDATED
    services.add_licence(
        person,
        licence_type=licence_type,
        number=values["number"],
        valid_from=start,
        valid_to=end,
        issued_by=values.get("issued_by", ""),
        evidence=values.get("evidence", ""),
        source="import",
    )
    return CREATED


def _apply_licence_chunk(rows: list[Row], run: ImportRun) -> None:
    organisation = run.options.context.get("organisation")
    row_by_row(lambda values: _apply_licence(values, organisation))(rows, run)


LICENCES = ImportSpec(
    name="licences",
    title=gettext_lazy("Practising licences (从业资格证)"),
    columns=(
        ROSTER_COLUMNS[1],
        Column(
            "licence_type",
            gettext_lazy("Practising licence"),
            example="特种作业操作证（电工作业）",
            aliases=("从业资格", "从业资格证", "证书名称", "证件名称", "资格证类型", "证书类型"),
            help=gettext_lazy("The code or the name of the licence"),
        ),
        Column(
            "number",
            gettext_lazy("Licence number"),
            example="T41140219900307123X",
            aliases=("证书编号", "证号", "资格证编号", "证书号码"),
            help=gettext_lazy("Format the column as text"),
        ),
        Column(
            "valid_from",
            gettext_lazy("Valid from"),
            example="2024-03-01",
            aliases=("有效期起", "有效期自", "发证日期", "初领日期", "复审日期"),
        ),
        Column(
            "valid_to",
            gettext_lazy("Valid until"),
            required=False,
            example="2030-02-28",
            aliases=("有效期至", "有效期止", "到期日期"),
            help=gettext_lazy("Empty: no end date"),
        ),
        Column(
            "issued_by",
            gettext_lazy("Issued by"),
            required=False,
            example="商丘市应急管理局",
            aliases=("发证机关", "发证单位"),
        ),
        Column("evidence", gettext_lazy("Evidence"), required=False, aliases=("依据", "备注")),
    ),  # fmt: skip
    apply_chunk=_apply_licence_chunk,
    export_rows=lambda: iter(()),  # licence numbers are personal data: never exported whole
    capability=Capability.IMPORT_PEOPLE,
)


def _apply_education(values: dict[str, str], organisation) -> str:
    person = _person_of(values, organisation)
    graduated_on = _typed_date(values["graduated_on"], "graduated_on")
    _record, outcome = services.add_education(
        person, school_kind=_school_kind(values["school_kind"]), school=values["school"],
        major=values["major"], graduated_on=graduated_on, evidence=values["evidence"],
        source="import",
    )  # fmt: skip
    return outcome


def _apply_education_chunk(rows: list[Row], run: ImportRun) -> None:
    organisation = run.options.context.get("organisation")
    row_by_row(lambda values: _apply_education(values, organisation))(rows, run)


EDUCATION = ImportSpec(
    name="education",
    title=gettext_lazy("Graduates' education records"),
    columns=(
        ROSTER_COLUMNS[1],
        Column(
            "school_kind",
            gettext_lazy("Kind of school"),
            example="中等职业学校",
            aliases=("学校类别", "学校类型", "院校类别", "学历层次"),
            help=gettext_lazy(
                "中等职业学校, 技工学校, 高级技工学校, 高等职业学校, "
                "本科院校应用型专业 or 本科院校其他专业"
            ),
        ),
        Column(
            "school",
            gettext_lazy("School"),
            example="商丘市第一中等职业学校",
            aliases=("学校", "学校名称", "毕业院校", "毕业学校"),
        ),
        Column(
            "major",
            gettext_lazy("Major (专业)"),
            example="焊接技术应用",
            aliases=("专业", "所学专业", "专业名称"),
        ),
        Column(
            "graduated_on",
            gettext_lazy("Graduated on"),
            example="2025-06-30",
            aliases=("毕业日期", "毕业时间"),
        ),
        Column(
            "evidence",
            gettext_lazy("Evidence"),
            example="毕业证书 编号1234567890",
            aliases=("毕业证书编号", "证明材料", "依据"),
            help=gettext_lazy("The diploma seen: its kind and number"),
        ),
    ),  # fmt: skip
    apply_chunk=_apply_education_chunk,
    export_rows=lambda: iter(()),
    capability=Capability.IMPORT_PEOPLE,
)

IMPORTS = {spec.name: spec for spec in (ROSTER, EMPLOYMENT, LICENCES, EDUCATION)}

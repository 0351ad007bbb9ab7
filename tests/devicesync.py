"""A class running now for attendance devices, shared by the offline-device test over HTTP
(tests/training/test_device_sync_http.py, run in the live server's own environment) and
bench/device_sync.py: people of its own (born from 2009-01-01 on, `source` naming who made
them), a class of the demo's 鸿鹄 filed and approved a week before it starts (004 §四(三)) and
started, one session from an hour ago to two hours on, a device registered with `public_key`
and, for the bench's anchor, one with a token only. Needs the demo loaded."""

from datetime import date, datetime, time, timedelta


def prepare(people: int, public_key: str, *, source: str = "devices") -> dict:
    import time_machine
    from django.utils import timezone

    from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
    from jineng.core.audit import audit_context, system_context
    from jineng.core.models import Organisation, User
    from jineng.institutions.models import Institution
    from jineng.people.identity import gb11643_check_character
    from jineng.people.models import Person
    from jineng.people.services import decrypt_id_number, register_person
    from jineng.training import services

    institution = Institution.objects.get(organisation__name="商丘市鸿鹄职业技能培训学校")
    staff = User.objects.get(username="institution")
    reviewer = User.objects.get(username="city_reviewer")
    now, today = timezone.now(), timezone.localdate()
    end = today if (today.month, today.day) == (12, 31) else today + timedelta(days=1)
    opens = max(now - timedelta(hours=1), timezone.make_aware(datetime.combine(today, time.min)))
    closes = min(now + timedelta(hours=2),
                 timezone.make_aware(datetime.combine(end, time(23, 59))))  # fmt: skip
    bureau = Organisation.objects.get(code="411402")
    first = Person.objects.filter(source__startswith="devices").count()
    with system_context(f"test:{source}"):
        registered = []
        for n in range(first, first + people):
            body = f"411402{date(2009, 1, 1) + timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
            registered.append(register_person(
                name=f"离线学员{n}", organisation=bureau, source=source,
                id_number=body + gb11643_check_character(body),
            ))  # fmt: skip
    opened = timezone.make_aware(datetime.combine(today - timedelta(days=7), time(10)))
    with time_machine.travel(opened, tick=True), audit_context(actor=staff):
        training_class = services.create_class(
            institution, name="离线考勤班", occupation=Occupation.objects.get(code="6-18-02-04"),
            level=SkillLevel.objects.get(code="5"),
            training_type=TrainingType.objects.get(code="employment_skills"),
            fund_channel=FundChannel.objects.order_by("code").first(), start_date=today,
            end_date=end, venue="实训楼", capacity=len(registered), assessment_plan="实操考核",
        )  # fmt: skip
        teachers = [e.teacher for e in institution.engagements.filter(year=today.year)][:1]
        services.set_teachers(training_class, teachers)
        session = services.add_session(training_class, starts_at=opens, ends_at=closes,
                                       topic="离线考勤", teacher=teachers[0])  # fmt: skip
        for person in registered:
            services.enrol(training_class, person)
        services.submit(training_class)
    with time_machine.travel(opened + timedelta(hours=2), tick=True), audit_context(actor=reviewer):
        services.approve(training_class)
    with audit_context(actor=staff):
        services.change_state(training_class, "in_progress")
        device, _token = services.register_device(institution, "离线考勤机", public_key)
        plain, token = services.register_device(institution, "在线考勤机")
    return {"device": device.pk, "session": session.pk, "opens": opens.isoformat(),
            "token": token, "people": [decrypt_id_number(p) for p in registered]}  # fmt: skip

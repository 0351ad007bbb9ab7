"""The class API's detail gives how attendance was recorded (device events, hand marks,
corrections, late marks waiting), as the class page does; the list does not (its cost is per
class). 000 §三(八) 人脸识别考勤; 003 §三10 过程留痕."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from jineng.training import services

pytestmark = pytest.mark.django_db
FIGURES = {"device", "hand", "corrections", "waiting"}


def get(user, path: str):
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_the_detail_gives_the_attendance_figures_the_list_does_not(make_class, act, institution,
                                                                   users):  # fmt: skip
    running = make_class(state="in_progress")
    sessions = list(running.sessions.all())
    people = [enrollment.person for enrollment in running.enrollments.order_by("id")]
    with act("institution"):
        device = services.register_device(institution, "实训楼人脸考勤机")[0]
    for person in people[:2]:  # two person-sessions from the device
        for direction, at in (("in", sessions[0].starts_at), ("out", sessions[0].ends_at)):
            services.record_attendance(sessions[0], person, direction, device=device,
                                       event_id=f"fig-{person.pk}-{direction}",
                                       device_time=at)  # fmt: skip
    with act("institution"), time_machine.travel(sessions[0].ends_at + timedelta(minutes=30)):
        services.mark_by_hand(sessions[0], people[1], present=False, reason="代打卡，本人未到")
        services.mark_by_hand(sessions[0], people[2], reason="考勤机故障，手工补录")
    expected = {"device": 1, "hand": 2, "corrections": 1, "waiting": 0}
    assert services.attendance_figures(running) == expected
    for username in ("institution", "city_reviewer"):
        detail = get(users[username], f"/api/v1/classes/{running.pk}/")
        assert detail["attendance_figures"] == expected, username
    listed = get(users["institution"], f"/api/v1/classes/?q={running.code}")
    row = next(row for row in listed["results"] if row["id"] == running.pk)
    assert "attendance_figures" not in row and "sessions" in row

from jineng.training import services
from jineng.training.demo import mark_on_the_day
from jineng.training.models import ClassState, EnrollmentState


def test_a_class_runs_from_application_to_completion(make_class, act):
    training_class = make_class(state="in_progress")
    with act("institution"):
        people = [enrollment.person for enrollment in training_class.enrollments.all()]
        for session in training_class.sessions.all():
            mark_on_the_day(session, people)  # on the session's day, with the reason
        for enrollment in training_class.enrollments.all():
            services.set_assessment(enrollment, True)
        counts = services.complete(training_class)
    training_class.refresh_from_db()
    assert training_class.state == ClassState.COMPLETED
    assert counts == {"completed": 3, "not_completed": 0}
    assert {e.state for e in training_class.enrollments.all()} == {EnrollmentState.COMPLETED}

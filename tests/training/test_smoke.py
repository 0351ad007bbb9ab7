from jineng.training import services
from jineng.training.models import ClassState, EnrollmentState


def test_a_class_runs_from_application_to_completion(make_class, act):
    training_class = make_class(state="in_progress")
    with act("institution"):
        for session in training_class.sessions.all():
            for enrollment in training_class.enrollments.all():
                services.mark_present(session, enrollment.person)
        for enrollment in training_class.enrollments.all():
            services.set_assessment(enrollment, True)
        counts = services.complete(training_class)
    training_class.refresh_from_db()
    assert training_class.state == ClassState.COMPLETED
    assert counts == {"completed": 3, "not_completed": 0}
    assert {e.state for e in training_class.enrollments.all()} == {EnrollmentState.COMPLETED}

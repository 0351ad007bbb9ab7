"""The voucher fixtures of tests.vouchers (holders of 虞城县, a class of 鸿鹄, certificates, all
through the services), for the replay of voucher settlements and enrolment eligibility."""

from tests.vouchers.conftest import (  # noqa: F401  (fixtures, used by name)
    certificate,
    claim,
    enrol,
    free_people,
    holder,
    honghu,
    issue,
    make_class,
    redeemed,
)

"""The text-message gateway (core.sms): the configured backend carries the message."""

import logging

from django.test import override_settings

from jineng.core import sms


def test_the_tests_gateway_keeps_each_message_in_the_outbox():
    sms.outbox.clear()
    sms.send_sms("13812345678", "验证码 123456")
    assert sms.outbox == [sms.Sms(phone="13812345678", text="验证码 123456")]
    sms.outbox.clear()


def test_the_demo_gateway_logs_the_text_under_the_masked_phone(caplog):
    with (
        override_settings(SMS_BACKEND="jineng.core.sms.LogBackend"),
        caplog.at_level(logging.INFO, logger="jineng.sms"),
    ):
        sms.send_sms("13812345678", "验证码 654321")
    assert "138****5678" in caplog.text
    assert "654321" in caplog.text
    assert "13812345678" not in caplog.text


def test_the_null_gateway_sends_nothing():
    sms.outbox.clear()
    with override_settings(SMS_BACKEND="jineng.core.sms.NullBackend"):
        sms.send_sms("13812345678", "x")
    assert sms.outbox == []

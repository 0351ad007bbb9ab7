import logging

from jineng.core.personal import mask_text


class PersonalDataFilter(logging.Filter):
    """Personal data never reaches a log: ID and phone numbers are masked in every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True

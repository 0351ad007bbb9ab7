import logging

from jineng.core.personal import mask_text


class PersonalDataFilter(logging.Filter):
    """Personal data never reaches a log: ID and phone numbers are masked in every record, its
    message and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        # A traceback repeats what the exception says (a cell's value, a row of a file): the
        # formatter writes record.exc_text when it is set, so it is set here, masked.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True

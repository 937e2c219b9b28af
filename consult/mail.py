"""Email: queued with the unit of work and sent only once it is committed.

With MAIL_SERVER set, messages go out through SMTP. Without it they go to the outbox: the
log and one .eml file each in MAIL_OUTBOX_DIR, where a developer can read them.
"""

from __future__ import annotations

import logging
import smtplib
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.extensions import db
from consult.files import write_atomically

log = logging.getLogger(__name__)
QUEUE_KEY = "consult_mail"


def queue_email(to: str, subject: str, body: str) -> EmailMessage:
    """Prepare a message to send when the current transaction commits."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="consult")
    message.set_content(body)
    db.session.info.setdefault(QUEUE_KEY, []).append(message)
    return message


def deliver(message: EmailMessage) -> None:
    """Send one message now, through SMTP or into the outbox."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        _write_to_outbox(message, Path(config["MAIL_OUTBOX_DIR"]))
        return
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
    log.info("mail sent to %s: %s", message["To"], message["Subject"])


def _write_to_outbox(message: EmailMessage, outbox: Path) -> None:
    name = message["Message-ID"].strip("<>").replace("@", "_")
    final = write_atomically(outbox / f"{time.time_ns()}-{name}.eml", [message.as_bytes()])
    log.info(
        "mail to %s (no MAIL_SERVER, kept in %s): %s\n%s",
        message["To"], final, message["Subject"], message.get_content(),
    )


def read_outbox(outbox: str | Path) -> list[EmailMessage]:
    """Return the messages in an outbox folder, oldest first (for developers and tests)."""
    from email import policy
    from email.parser import BytesParser

    folder = Path(outbox)
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"))
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in files]  # type: ignore[misc]


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    for message in session.info.pop(QUEUE_KEY, []):
        try:
            deliver(message)
        except (OSError, smtplib.SMTPException):
            log.exception("could not send mail to %s: %s", message["To"], message["Subject"])


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(QUEUE_KEY, None)

"""Sending mail through the SMTP server that ``site_config.yml`` names.

Credentials come only from the environment (``PAPERSHELF_SMTP_USER`` and
``PAPERSHELF_SMTP_PASSWORD``), so they never sit in the repository, and a password is never
sent over a connection that is not encrypted. Every failure becomes a ``SendError`` or an entry
in ``SendReport.failed`` worded for the person running the command; a recipient counts as sent
only once the server has accepted the message for it.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from generator.core.site_config import SmtpConfig

USER_ENV = "PAPERSHELF_SMTP_USER"
PASSWORD_ENV = "PAPERSHELF_SMTP_PASSWORD"


class SendError(RuntimeError):
    """Nothing could be sent: the server was unreachable, refused the login, or the setup is wrong."""


@dataclass(slots=True)
class SendReport:
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # recipient -> why


def credentials(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The login from the environment; both variables or neither, since one alone is a mistake."""
    user, password = environ.get(USER_ENV, ""), environ.get(PASSWORD_ENV, "")
    if bool(user) != bool(password):
        missing = PASSWORD_ENV if user else USER_ENV
        raise SendError(f"{missing} is not set: set both {USER_ENV} and {PASSWORD_ENV}, or neither")
    return (user, password) if user else None


def _tls_context(smtp: SmtpConfig, base_dir: Path) -> ssl.SSLContext:
    if not smtp.ca_file:
        return ssl.create_default_context()
    path = base_dir / smtp.ca_file
    try:
        return ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError) as err:
        raise SendError(f"digest.smtp.ca_file: cannot load {path}: {err}") from None


def _reason(err: BaseException) -> str:
    if isinstance(err, smtplib.SMTPResponseException):
        text = err.smtp_error.decode("utf-8", "replace") if isinstance(err.smtp_error, bytes) else str(err.smtp_error)
        return f"{err.smtp_code} {text}".strip()
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(err.recipients.values()), (0, b""))
        return f"{code} {reply.decode('utf-8', 'replace')}".strip()
    return str(err) or type(err).__name__


def _connect(smtp: SmtpConfig, login: tuple[str, str] | None, base_dir: Path) -> smtplib.SMTP:
    where = f"{smtp.host}:{smtp.port}"
    if login and smtp.security == "none":
        raise SendError(
            f"refusing to send the SMTP password to {where} unencrypted: "
            "set digest.smtp.security to starttls or ssl in site_config.yml"
        )
    context = _tls_context(smtp, base_dir) if smtp.security != "none" else None
    try:
        if smtp.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    except (OSError, smtplib.SMTPException) as err:
        raise SendError(f"cannot connect to the SMTP server {where}: {_reason(err)}") from None
    try:
        server.ehlo()
        if smtp.security == "starttls":
            if not server.has_extn("starttls"):
                raise SendError(f"{where} does not offer STARTTLS; set digest.smtp.security to match the server")
            server.starttls(context=context)
            server.ehlo()
        if login:
            server.login(*login)
    except SendError:
        _close(server)
        raise
    except smtplib.SMTPAuthenticationError as err:
        _close(server)
        raise SendError(f"{where} refused the login from {USER_ENV}/{PASSWORD_ENV}: {_reason(err)}") from None
    except (OSError, smtplib.SMTPException) as err:
        _close(server)
        raise SendError(f"cannot set up the session with {where}: {_reason(err)}") from None
    return server


def _close(server: smtplib.SMTP) -> None:
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        server.close()


def send_each(
    messages: Sequence[tuple[str, EmailMessage]],
    *,
    envelope_from: str,
    smtp: SmtpConfig,
    login: tuple[str, str] | None,
    base_dir: Path,
) -> SendReport:
    """Send each (recipient, message) in one session; one refused recipient does not stop the rest.

    Raises ``SendError`` when nothing could be sent at all (connection, TLS, login).
    """
    if not smtp.host:
        raise SendError("digest.smtp.host is not set in site_config.yml")
    server = _connect(smtp, login, base_dir)
    report = SendReport()
    try:
        for i, (recipient, message) in enumerate(messages):
            try:
                refused = server.send_message(message, from_addr=envelope_from, to_addrs=[recipient])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as err:
                report.failed[recipient] = _reason(err)
                continue
            except (OSError, smtplib.SMTPException) as err:
                why = f"connection lost: {_reason(err)}"
                for left, _ in messages[i:]:
                    report.failed[left] = why
                break
            if recipient in refused:
                code, text = refused[recipient]
                report.failed[recipient] = f"{code} {text.decode('utf-8', 'replace')}"
            else:
                report.sent.append(recipient)
    finally:
        _close(server)
    return report

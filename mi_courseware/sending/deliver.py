"""Delivering message files through the mail server, each recorded once it is accepted.

One connection, signed in once; one recipient per message; at most ``--rate`` messages in
any minute (Microsoft 365 allows 30); each message recorded in the register the moment the
server has accepted it, so a run killed or cut off resumes after the last one recorded and
only the message in flight may go twice. A recipient the server refuses is recorded as
failed with its words and the others go on; a refused sign-in, a TLS failure or a server
that hangs up stops the run at once.
"""

from __future__ import annotations

import smtplib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mi_courseware.core.messages import Written
from mi_courseware.sending.server import SendError, Server, connect, server_words
from mi_courseware.workers import pause_at

#: ``--rate``'s default: Microsoft 365's limit, 30 messages a minute.
DEFAULT_RATE = 30


class RateLimit:
    """At most ``count`` messages in any ``seconds`` (a sliding window: a short run is never
    slowed, a long one is paced)."""

    def __init__(
        self,
        count: int,
        seconds: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.count, self.seconds = count, seconds
        self.clock, self.sleep = clock, sleep
        self.sent: deque[float] = deque()

    def wait(self) -> None:
        """Wait until one more message keeps within the limit, and count it."""
        now = self.clock()
        while self.sent and now - self.sent[0] >= self.seconds:
            self.sent.popleft()
        if len(self.sent) >= self.count:
            self.sleep(self.seconds - (now - self.sent[0]))
            now = self.clock()
            self.sent.popleft()
        self.sent.append(now)


def parse_rate(text: str) -> int:
    """``30/min`` (or ``30``) as messages a minute; ``ValueError`` otherwise."""
    number = text.strip().lower().removesuffix("/min").removesuffix("/minute").strip()
    value = int(number)
    if value < 1:
        raise ValueError(text)
    return value


@dataclass
class Delivery:
    """What became of the messages handed to :func:`deliver`."""

    sent: list[Written] = field(default_factory=list)
    #: (the message, the server's words)
    failed: list[tuple[Written, str]] = field(default_factory=list)


def deliver(
    server: Server,
    sender: str,
    files: list[tuple[Path, Written]],
    record: Callable[[Written, str, str], None],
    limit: RateLimit,
    tick: Callable[[], None] = lambda: None,
) -> Delivery:
    """Send each file to its one recipient; ``record(written, result, words)`` after the
    server's answer. Raises :class:`SendError` (after recording what went) when the run
    cannot go on."""
    from mi_courseware.sending.credentials import sign_in

    done = Delivery()
    if not files:
        return done
    connection = connect(server)
    try:
        sign_in(connection, server)
        for path, written in files:
            limit.wait()
            try:
                connection.sendmail(sender, [written.recipient], path.read_bytes())
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                if isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code < 500:
                    raise _cut_off(server, done, exc) from None
                words = server_words(exc)
                record(written, "failed", words)
                done.failed.append((written, words))
                tick()
                continue
            except smtplib.SMTPSenderRefused as exc:
                raise SendError(
                    f"{server}: the server refuses to send as {sender} ({server_words(exc)}); "
                    f"{len(done.sent)} sent before it. Microsoft 365 sends only as the "
                    "account that signs in, unless it may send as the client's 'sender:'"
                ) from None
            except (smtplib.SMTPException, OSError) as exc:
                raise _cut_off(server, done, exc) from None
            done.sent.append(written)
            pause_at(f"sent {len(done.sent)}")  # accepted, not yet recorded: the test's kill
            record(written, "sent", "")
            tick()
    finally:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()
    return done


def _cut_off(server: Server, done: Delivery, exc: BaseException) -> SendError:
    return SendError(
        f"{server}: the connection ended ({server_words(exc)}) after {len(done.sent)} "
        "message(s) were accepted; those are recorded: run the same command again to send "
        "the rest"
    )

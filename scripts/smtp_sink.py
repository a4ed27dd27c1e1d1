#!/usr/bin/env python3
"""A real SMTP server for tests: accepts every message and writes it to a folder as JSON.

Each accepted message becomes one file `<ns>-<n>.json` in --dir holding
{"mail_from", "rcpt_tos", "subject", "message_id", "from", "to", "text", "html", "received_at"}.
Files are written under a hidden temporary name and renamed, so a reader never sees half a file.
`message_id` is the Message-ID header without its angle brackets.

Prints `LISTENING <port>` on stdout once connections are accepted (--port 0 picks a free port),
and exits cleanly on SIGTERM or SIGINT, and with --exit-on-stdin-eof also when its standard
input closes: a test process passes a pipe it never writes to, so a sink whose test died without
cleaning up (killed, aborted) goes away with it instead of holding the test's output pipe open.
Needs aiosmtpd: run scripts/python-env.sh first.
"""

import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import signal
import sys
import time

from aiosmtpd.smtp import SMTP


# The MIME structure is parsed with the default compat32 policy and only the headers needed are
# decoded by policy.default's header parser. Parsing the whole message with policy.default gives
# the same values but costs five times as much (about 3.5 ms against 0.7 ms a mail here), and a
# slow sink queues mails and so skews the delivery latencies it is used to measure.
DECODING = email.policy.default


def header(message, name):
    """The decoded value of header `name` ("" when missing), as policy.default reads it."""
    value = message[name]
    if value is None:
        return ""
    return str(DECODING.header_fetch_parse(name, value))


def part_text(message, subtype):
    """The decoded text of the first inline text/<subtype> part, or "" when there is none.

    Line ends come back as "\n": tests compare against the text that was sent, not its wire form.
    """
    for part in message.walk():
        if (
            part.get_content_type() == f"text/{subtype}"
            and part.get_content_disposition() != "attachment"
        ):
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "us-ascii"
            try:
                text = payload.decode(charset, "replace")
            except LookupError:
                text = payload.decode("utf-8", "replace")
            return text.replace("\r\n", "\n")
    return ""


class FolderHandler:
    """Writes each message received into one JSON file in `folder`."""

    def __init__(self, folder):
        self.folder = folder
        # Several sinks may write into one folder in turn (stop, then restart on it), so the
        # file name leads with the time and this counter only orders files within one process.
        self.counter = itertools.count()

    async def handle_DATA(self, server, session, envelope):
        received_at = time.time()
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        message = email.message_from_bytes(content)
        record = {
            "mail_from": envelope.mail_from or "",
            "rcpt_tos": list(envelope.rcpt_tos),
            "subject": header(message, "subject"),
            "message_id": header(message, "message-id").strip().strip("<>"),
            "from": header(message, "from"),
            "to": header(message, "to"),
            "text": part_text(message, "plain"),
            "html": part_text(message, "html"),
            "received_at": received_at,
        }
        name = f"{time.time_ns()}-{next(self.counter):06d}.json"
        temporary = os.path.join(self.folder, f".{name}.tmp")
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.replace(temporary, os.path.join(self.folder, name))
        return "250 Message accepted for delivery"


def exit_on_stdin_eof(loop, stop):
    """Sets `stop` once standard input reaches end of file."""
    fd = sys.stdin.fileno()

    def readable():
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            loop.remove_reader(fd)
            stop.set()

    loop.add_reader(fd, readable)


async def serve(port, folder, watch_stdin):
    os.makedirs(folder, exist_ok=True)
    handler = FolderHandler(folder)
    loop = asyncio.get_running_loop()
    # A fixed hostname: the default asks DNS for this machine's name on every connection.
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="smtp-sink.test", enable_SMTPUTF8=True),
        host="127.0.0.1",
        port=port,
        reuse_address=True,
    )
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if watch_stdin:
        exit_on_stdin_eof(loop, stop)

    bound = server.sockets[0].getsockname()[1]
    print(f"LISTENING {bound}", flush=True)

    await stop.wait()
    server.close()
    try:
        # Clients may keep pooled connections open; do not wait on them for long.
        await asyncio.wait_for(server.wait_closed(), timeout=1)
    except asyncio.TimeoutError:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--dir", required=True, help="folder the received messages are written to")
    parser.add_argument(
        "--exit-on-stdin-eof",
        action="store_true",
        help="also exit when standard input closes (for a parent that may die without cleanup)",
    )
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.dir, args.exit_on_stdin_eof))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Commands for delivery: deliveries (the outbox), digest, send-test (every channel), send-test-email."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date

from monitor.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    load_config_for,
    open_session,
    open_store,
    print_json,
    table,
)


def cmd_deliveries(args: argparse.Namespace) -> int:
    """The outbox: alerts (email and chat channels) with their state, attempts and last error."""
    from sqlalchemy import select

    from monitor.deliver.outbox import delivery_json
    from monitor.store.models import DeliveryRow

    with open_session(args) as (config, store, session):
        query = select(DeliveryRow).order_by(DeliveryRow.id)
        if args.status:
            query = query.where(DeliveryRow.status == args.status)
        data = [delivery_json(d) for d in session.scalars(query)]
        if args.retry:
            for row in session.scalars(select(DeliveryRow).where(DeliveryRow.status == "failed")):
                row.status, row.attempts = "pending", 0
    if args.json:
        print_json(data)
        return EXIT_OK
    if not data:
        print("no deliveries")
        return EXIT_OK
    rows = [
        [
            str(d["id"]),
            "email" if d["channel"] == "email" else (d["recipient"] or d["channel"])[:50],
            d["status"],
            str(d["attempts"]),
            ",".join(map(str, d["event_ids"])),
            (d["last_error"] or "")[:60],
        ]
        for d in data
    ]
    print(table(rows, ["id", "to", "status", "attempts", "events", "last error"]))
    return EXIT_OK


def cmd_digest(args: argparse.Namespace) -> int:
    """Write the digest of one day (default today, UTC); optionally email it."""
    from monitor.deliver.rebuild import write_day_digest
    from monitor.store import utcnow

    config = load_config_for(args)
    try:
        day = date.fromisoformat(args.date) if args.date else utcnow().date()
    except ValueError:
        raise UsageError(f"--date: expected YYYY-MM-DD, got {args.date!r}") from None
    store = open_store(config)
    try:
        md_path, html_path = write_day_digest(store, config, day)
        print(f"wrote {md_path}\nwrote {html_path}")
        if args.email:
            return _email_digest(config, store, day)
    finally:
        store.close()
    return EXIT_OK


def _email_digest(config, store, day: date) -> int:  # type: ignore[no-untyped-def]
    from monitor.deliver.email import DeliveryError
    from monitor.deliver.rebuild import email_day_digest

    if config.settings.email is None:
        raise UsageError("settings.email is not configured in sources.yaml")
    try:
        email_day_digest(store, config, day)
    except DeliveryError as exc:
        print(f"digest email not sent: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"digest emailed to {', '.join(config.settings.email.recipients)}")
    return EXIT_OK


def cmd_send_test_email(args: argparse.Namespace) -> int:
    """Send a test email with the configured settings."""
    from monitor.deliver.email import DeliveryError, send_test_email
    from monitor.deliver.settings import smtp_password

    config = load_config_for(args)
    settings = config.settings.email
    if settings is None:
        raise UsageError(f"{config.path}: settings.email is not configured, so there is nothing to test")
    try:
        send_test_email(settings, smtp_password())
    except DeliveryError as exc:
        print(f"test email failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"test email sent to {', '.join(settings.recipients)} via {settings.host}:{settings.port}")
    return EXIT_OK


def cmd_send_test(args: argparse.Namespace) -> int:
    """Send a test message to every configured channel and to the email recipients; with
    --channel URL, to that channel only (one not in sources.yaml yet, to try it first)."""
    from monitor.deliver.channels import (
        TEST_BODY,
        TEST_TITLE,
        URL_SHAPE,
        Channel,
        ChannelError,
        channels_of,
        send,
    )

    config = load_config_for(args)
    if args.channel is not None:
        if not URL_SHAPE.match(args.channel):
            raise UsageError(f"--channel: expected an Apprise URL such as json://host/path, got {args.channel!r}")
        channels, email = [Channel(args.channel)], None
    else:
        channels, email = channels_of(config.settings), config.settings.email
    if not channels and email is None:
        raise UsageError(
            f"{config.path}: neither settings.email nor settings.notify is set up, so there is nothing to test "
            "(see docs/CHANNELS.md)"
        )
    failed = 0
    if email is not None:
        failed += _send_test_email(email)
    for channel in channels:
        label = channel.label()
        try:
            send(channel, TEST_TITLE, TEST_BODY, urgent=False)
        except ChannelError as exc:
            print(f"test not sent to {label}: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"test sent to {label}")
    return EXIT_FAILED if failed else EXIT_OK


def _send_test_email(settings) -> int:  # type: ignore[no-untyped-def]
    """1 when the test email could not be sent (said on stderr), else 0."""
    from monitor.deliver.email import DeliveryError, send_test_email
    from monitor.deliver.settings import smtp_password

    try:
        send_test_email(settings, smtp_password())
    except DeliveryError as exc:
        print(f"test email failed: {exc}", file=sys.stderr)
        return 1
    print(f"test email sent to {', '.join(settings.recipients)} via {settings.host}:{settings.port}")
    return 0


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to the parser."""
    p = add("deliveries", cmd_deliveries, "List alerts (email and chat channels): pending, sent, failed.")
    p.add_argument("--status", choices=["pending", "sent", "failed"])
    p.add_argument("--retry", action="store_true", help="put failed deliveries back in the queue")
    p.add_argument("--json", action="store_true")

    p = add("digest", cmd_digest, "Write the daily digest (data/digests/YYYY-MM-DD.md and .html).")
    p.add_argument("--date", metavar="YYYY-MM-DD")
    p.add_argument("--email", action="store_true", help="also email it to the recipients")

    p = add("send-test", cmd_send_test, "Send a test alert to every chat channel (settings.notify) and by email.")
    p.add_argument("--channel", metavar="URL", help="only to this Apprise URL (e.g. one not in sources.yaml yet)")

    add("send-test-email", cmd_send_test_email, "Send a test email to check the SMTP settings.")

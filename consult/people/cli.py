"""`flask consult export-person` and `flask consult verify-organization`: a person's data
for a request sent by email, and the secretariat's word on an organization."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from consult.cli import secretariat_account
from consult.errors import DomainError
from consult.extensions import begin_write, db
from consult.files import write_atomically
from consult.people import service


def _fail(error: DomainError) -> None:
    db.session.rollback()
    raise click.ClickException(error.message)


def register(group: AppGroup) -> None:
    @group.command("export-person")
    @click.option("--email", required=True, help="The address of the account.")
    @click.option(
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Where to write the zip (default: consult-data-<id>-<date>.zip here).",
    )
    def export_person(email: str, output: Path | None) -> None:
        """Write everything consult keeps about a person to a zip, readable only by you.

        The audit trail records that the secretariat took it.
        """
        begin_write()
        try:
            # Links in the export point at the address people use.
            with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
                person = service.find_person(email)
                data = service.personal_data(secretariat_account(), person)
                archive = service.archive_bytes(data)
                name = service.archive_name(person)
        except DomainError as error:
            _fail(error)
        target = output or Path(name)
        # Personal data: the file is made readable by its owner only.
        previous = os.umask(0o077)
        try:
            write_atomically(target, [archive])
        finally:
            os.umask(previous)
        db.session.commit()
        click.echo(
            f"Wrote {target} ({len(archive):,} bytes): {len(data['comments'])} comments, "
            f"{len(data['endorsements'])} endorsements, {len(data['notifications'])} "
            "notifications."
        )

    @group.command("verify-organization")
    @click.option("--email", required=True, help="The address of the account.")
    @click.option("--withdraw", is_flag=True, help="Withdraw the verification instead.")
    def verify_organization(email: str, withdraw: bool) -> None:
        """Vouch that a person speaks for the organization they name (or stop vouching);
        their comments signed with it show the mark. Done as the first secretariat account
        and recorded in the audit trail."""
        begin_write()
        try:
            with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
                person = service.find_person(email)
                if withdraw:
                    changed = service.withdraw_verification(secretariat_account(), person)
                else:
                    changed = service.verify_organization(secretariat_account(), person)
        except DomainError as error:
            _fail(error)
        db.session.commit()
        if withdraw:
            click.echo(f"Withdrew the verification of {person.organization!r} for {email}; "
                       f"{changed} comments no longer show the mark.")
        else:
            click.echo(f"Verified {person.organization!r} for {email}; {changed} comments "
                       "now show the mark.")

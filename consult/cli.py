"""`flask consult ...`: accounts, importing a draft, the demo consultation, the audit trail."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from consult.audit import service as audit
from consult.auth import service as accounts
from consult.auth.models import Role, StakeholderGroup, User
from consult.drafts import service as drafts
from consult.drafts.importer import FORMATS, parse_document
from consult.drafts.models import Consultation
from consult.errors import DomainError
from consult.extensions import begin_write, db

group = AppGroup("consult", help="Manage consult: accounts, drafts, demo data, the audit trail.")


def _fail(error: DomainError) -> None:
    db.session.rollback()
    raise click.ClickException(error.message)


def secretariat_account() -> User:
    """The account command-line work is done as: the first secretariat account."""
    user = db.session.execute(
        db.select(User).where(User.role == Role.SECRETARIAT).order_by(User.id).limit(1)
    ).scalar_one_or_none()
    if user is None:
        raise click.ClickException(
            "There is no secretariat account yet. Make one first: "
            "flask consult create-user --role secretariat ..."
        )
    return user


@group.command("create-user")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", required=True)
@click.option("--organization", required=True)
@click.option(
    "--group",
    "stakeholder_group",
    type=click.Choice([g.value for g in StakeholderGroup]),
    default=StakeholderGroup.INTERNATIONAL_ORGANIZATION.value,
    show_default=True,
)
@click.option("--country", default="CH", show_default=True, help="ISO 3166-1 alpha-2 code.")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default="stakeholder", show_default=True
)
@click.option("--unverified", is_flag=True, help="Leave the email to be confirmed by link.")
def create_user(email, password, name, organization, stakeholder_group, country, role, unverified):
    """Make an account with any role; its email counts as verified unless --unverified."""
    begin_write()
    try:
        user = accounts.create_user(
            email=email,
            password=password,
            name=name,
            organization=organization,
            stakeholder_group=stakeholder_group,
            country=country.upper(),
            role=role,
            verified=not unverified,
        )
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Made {user.role} account {user.email} (id {user.id}).")


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultation", "slug", required=True, help="Short name of the consultation.")
@click.option("--label", required=True, help='Label of the new version, e.g. "Zero draft".')
@click.option("--title", help="Title, if the consultation does not exist yet.")
@click.option("--format", "format_", type=click.Choice(FORMATS), help="Default: from the file.")
@click.option("--part", help="For an AKN collection: only documents whose title contains this.")
@click.option("--moderation", type=click.Choice(["pre", "post"]), default="post", show_default=True)
def import_command(file: Path, slug, label, title, format_, part, moderation):
    """Import FILE as a new version (in draft) of a consultation, creating it if needed."""
    begin_write()
    actor = secretariat_account()
    try:
        click.echo(f"Reading {file.name}…")
        document = parse_document(file.read_bytes(), file.name, format_, part=part)
        consultation = db.session.execute(
            db.select(Consultation).where(Consultation.slug == slug)
        ).scalar_one_or_none()
        if consultation is None:
            consultation = drafts.create_consultation(
                actor, slug=slug, title=title or document.title or slug
            )
            click.echo(f"Made consultation {slug!r}: {consultation.title}")
        with click.progressbar(length=len(document.paragraphs), label="Storing paragraphs") as bar:
            version = drafts.create_version(
                actor,
                consultation,
                label=label,
                moderation=moderation,
                document_symbol=document.document_symbol,
                document=document,
                progress=bar.update,
            )
    except DomainError as error:
        _fail(error)
    db.session.commit()
    kinds = Counter(p.kind for p in document.paragraphs)
    subparagraphs = sum(1 for p in document.paragraphs if p.level > 0)
    click.echo(
        f"Made version {version.number} {version.label!r} (draft) of {slug!r}: "
        f"{len(document.paragraphs)} paragraphs"
    )
    for kind, count in sorted(kinds.items()):
        click.echo(f"  {kind:<11} {count}")
    click.echo(f"  of which sub-paragraphs: {subparagraphs}")
    if document.title:
        click.echo(f"Title: {document.title}")
    if document.document_symbol:
        click.echo(f"Symbol: {document.document_symbol}")
    for warning in document.warnings:
        click.echo(f"note: {warning}")
    click.echo(f"Open it for comments from /manage/c/{slug}/v/{version.number}")


@group.command("demo")
@click.option("--reset", is_flag=True, help="Replace the demo consultation if it exists.")
def demo_command(reset: bool):
    """Load the WSIS+20 demo consultation and one account per role; print the accounts."""
    from consult import demo

    # Links in the mail the demo's moderation sends point at the address people use.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        begin_write()
        accounts_made = demo.load(reset=reset)
        db.session.commit()
    demo.print_accounts(accounts_made, click.echo)


@group.command("verify-audit")
def verify_audit_command():
    """Recompute the audit trail's hash chain; name the first event that does not match."""
    check = audit.verify()
    if check.intact:
        click.echo(f"{check.events} audit events checked: the chain is intact.")
        return
    broken = check.broken_at
    assert broken is not None
    target = broken.object_type + (f" {broken.object_id}" if broken.object_id is not None else "")
    click.echo(
        f"{check.events} audit events checked: the chain is broken at event {broken.sequence} "
        f"({broken.created_at.isoformat()}, {broken.action} on {target}): {check.reason}.",
        err=True,
    )
    click.get_current_context().exit(1)


def init_app(app: Flask) -> None:
    from consult.compilation.cli import register as compilation_commands
    from consult.exports.cli import register as export_commands
    from consult.operations.cli import register as operations_commands
    from consult.people.cli import register as people_commands

    export_commands(group)
    compilation_commands(group)
    people_commands(group)
    operations_commands(group)
    app.cli.add_command(group)

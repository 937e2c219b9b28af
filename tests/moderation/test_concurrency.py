"""Two moderators act on the same comment at the same moment, each in their own request."""

from __future__ import annotations

import threading

from consult.auth.models import User
from consult.comments.models import Comment
from consult.extensions import begin_write, db
from consult.forms import unit_of_work
from consult.moderation import service


def test_of_two_simultaneous_actions_one_wins_and_the_other_is_told(app, posted, moderator,
                                                                    create_user):
    """Both pages showed the same state; both requests start together. Whichever comes
    second finds the comment changed (SQLite: after waiting for the write lock; PostgreSQL:
    its update matches no row of the version it read) and nothing is overwritten."""
    create_user(email="mod2@example.org", role="moderator")
    comment_id = posted["ngo"].id
    seen = posted["ngo"].row_version
    start = threading.Barrier(2, timeout=10)
    outcomes: dict[str, object] = {}
    failures: list[BaseException] = []

    def request(name: str, email: str, act) -> None:
        try:
            with app.test_request_context("/moderation/act", method="POST"):
                start.wait()
                begin_write()
                actor = db.session.execute(
                    db.select(User).where(User.email == email)
                ).scalar_one()
                comment = db.session.get(Comment, comment_id)
                with unit_of_work() as work:
                    act(actor, [(comment, seen)])
                outcomes[name] = work.error
                db.session.remove()
        except BaseException as error:  # reported below, with the thread's name
            failures.append(error)

    threads = [
        threading.Thread(target=request, args=(
            "hide", "moderator@example.org",
            lambda actor, items: service.hide(actor, items, "Spam"))),
        threading.Thread(target=request, args=(
            "answer", "mod2@example.org",
            lambda actor, items: service.set_disposition(actor, items, "accepted", "Yes"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    refused = [name for name, error in outcomes.items() if error is not None]
    assert len(refused) == 1 and outcomes[refused[0]].status == 409
    db.session.rollback()  # end this session's own read snapshot (SQLite WAL)
    final = db.session.get(Comment, comment_id)
    if refused == ["answer"]:
        assert (final.status, final.disposition) == ("hidden", None)
    else:
        assert (final.status, final.disposition) == ("published", "accepted")

"""Time of signing in: the password hash (scrypt N=2^15, Werkzeug's default, against the
N=2^16 consult uses), and whole sign-in requests through the application: the password
alone, password then second-factor code, and a refused attempt counted by the rate limits
in memory and, when it runs, in Redis.

    python bench/sign_in.py [--repeat N] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

if __package__ in (None, ""):  # run as a script: make `bench` and `consult` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "correct horse battery"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _median_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _hashes(repeat: int) -> None:
    print(f"{'password hash':<44} {'make ms':>8} {'check ms':>9}")
    for method in ("scrypt:32768:8:1", "scrypt:65536:8:1", "pbkdf2:sha256:1000000"):
        stored = generate_password_hash(PASSWORD, method=method)
        made = _median_ms(lambda m=method: generate_password_hash(PASSWORD, method=m), repeat)
        checked = _median_ms(lambda s=stored: check_password_hash(s, PASSWORD), repeat)
        print(f"{method:<44} {made:>8.0f} {checked:>9.0f}")


def _app(folder: Path, redis_url: str = ""):
    from flask_migrate import upgrade

    from consult import create_app
    from consult.extensions import db

    config = {
        "TESTING": True, "SECRET_KEY": "bench", "SERVER_NAME": "consult.bench",
        "DATABASE_URL": f"sqlite:///{folder / 'sign_in.sqlite'}", "WTF_CSRF_ENABLED": False,
        "MAIL_OUTBOX_DIR": str(folder / "outbox"), "REDIS_URL": redis_url,
        # Far above what the runs below reach: they measure, they are not refused.
        "SIGN_IN_LIMIT_PER_ACCOUNT": "100000 per minute",
        "SIGN_IN_LIMIT_PER_ADDRESS": "100000 per minute",
    }
    app = create_app(config)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


def _requests(folder: Path, repeat: int, redis_url: str) -> None:
    from consult.auth import otp
    from consult.auth import service as accounts
    from consult.extensions import db

    app = _app(folder)
    with app.app_context():
        for email, staff in (("plain@example.org", False), ("staff@example.org", True)):
            user = accounts.create_user(
                email=email, password=PASSWORD, name="Bench Person", organization="Bench",
                stakeholder_group="academia", country="KE",
                role="moderator" if staff else "stakeholder", verified=True)
            if staff:
                accounts.set_up_second_factor(user, SECRET)
        db.session.commit()

    def password_only() -> None:
        client = app.test_client()
        response = client.post("/login", data={"email": "plain@example.org",
                                               "password": PASSWORD})
        assert response.status_code == 302, response.status_code

    def with_code() -> None:
        client = app.test_client()
        client.post("/login", data={"email": "staff@example.org", "password": PASSWORD})
        with app.app_context():
            user = accounts.find_user_by_email("staff@example.org")
            user.totp_last_step = None  # each run takes the current code again
            db.session.commit()
        code = otp.code_at(SECRET, otp.current_step())
        assert client.post("/login/code", data={"code": code}).status_code == 302

    def refused() -> None:
        client = app.test_client()
        response = client.post("/login", data={"email": "plain@example.org",
                                               "password": "not the password"})
        assert response.status_code == 400, response.status_code

    print(f"\n{'sign-in request (test client, SQLite)':<44} {'median ms':>9}")
    print(f"{'password (scrypt N=2^16)':<44} {_median_ms(password_only, repeat):>9.0f}")
    print(f"{'password, then code':<44} {_median_ms(with_code, repeat):>9.0f}")
    print(f"{'wrong password, counted in memory':<44} {_median_ms(refused, repeat):>9.0f}")
    if redis_url:
        try:
            import redis

            redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
        except Exception as error:  # noqa: BLE001 (any failure: say so and go on)
            print(f"Redis at {redis_url} did not answer ({error}): not measured")
            return
        app = _app(folder, redis_url)
        print(f"{'wrong password, counted in Redis':<44} {_median_ms(refused, repeat):>9.0f}")
        connection = redis.Redis.from_url(redis_url)
        for key in connection.scan_iter("LIMITS:*"):  # leave no counts behind
            connection.delete(key)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    args = parser.parse_args(argv)
    _hashes(args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        _requests(Path(folder), args.repeat, args.redis_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())

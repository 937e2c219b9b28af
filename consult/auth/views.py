"""Pages for registering, confirming an email, signing in and out, and the profile."""

from __future__ import annotations

import time
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from consult.api import token_views
from consult.auth import service, sessions, throttle
from consult.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DisableSecondFactorForm,
    EnableSecondFactorForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RecoveryCodesForm,
    RegisterForm,
    ResetPasswordForm,
    ResetSecondFactorForm,
    SignInCodeForm,
)
from consult.auth.models import User
from consult.errors import Invalid, render_error
from consult.extensions import begin_write, checks_before_writing, db, login_manager, writes
from consult.forms import EmptyForm, unit_of_work

blueprint = Blueprint("auth", __name__)
# The profile page's API tokens section posts to these (/profile/tokens/...).
blueprint.register_blueprint(token_views.blueprint)


@login_manager.user_loader
def _load_user(session_id: str):
    return service.load_user(session_id)


login_manager.login_view = "auth.login"
# First of the blueprint's checks before each request: a session too old or left unused
# too long ends here, before anything uses it.
blueprint.before_app_request(sessions.enforce)
login_manager.login_message_category = "info"


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    flash(_("Please sign in to see this page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@blueprint.route("/register", methods=["GET", "POST"])
@throttle.limit_registration
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("drafts.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            user = service.register(
                email=form.email.data,
                password=form.password.data,
                name=form.name.data,
                organization=form.organization.data,
                stakeholder_group=form.stakeholder_group.data,
                country=form.country.data,
            )
        if work.done:
            _renew_session()
            login_user(user)
            sessions.start()
            return redirect(url_for("auth.check_email"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@blueprint.route("/register/check-email")
@login_required
def check_email() -> str | Response:
    if current_user.is_verified:
        return redirect(url_for("drafts.index"))
    return render_template("auth/check_email.html", form=EmptyForm())


@blueprint.route("/verify/<token>")
@writes
def verify_email(token: str) -> str | Response:
    try:
        user = service.verify_email(token)
    except Invalid as error:
        db.session.rollback()
        return render_template("auth/verify_failed.html", message=error.message), 400
    db.session.commit()
    flash(_("Thank you: your email address is confirmed. You can now comment."), "success")
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", email=user.email))
    return redirect(url_for("drafts.index"))


@blueprint.route("/verify/resend", methods=["POST"])
@login_required
def resend_verification() -> Response:
    if EmptyForm().validate_on_submit():
        service.send_verification(current_user)
        db.session.commit()
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "info")
    return redirect(url_for("auth.check_email"))


@blueprint.route("/login", methods=["GET", "POST"])
@throttle.limit_sign_in
@checks_before_writing
def login() -> str | Response:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        form.email.data = request.args.get("email", "")
    if form.validate_on_submit():
        user = service.check_credentials(form.email.data, form.password.data)
        db.session.rollback()  # the read ends; nothing was written
        if user is not None:
            begin_write()  # only now, the hash checked, take the write lock
            user = db.session.get(User, user.id)
        if user is None or not user.active:
            throttle.sign_in_failed()
            form.form_errors.append(_("The email or the password is not right."))
        else:
            service.note_sign_in(user)
            db.session.commit()
            target = service.safe_next_path(form.next.data) or ""
            if not service.has_second_factor(user):
                return _sign_in(user, remember=form.remember.data, target=target)
            # Not signed in yet: the password was right, the code is still to come.
            _renew_session()
            session[throttle.PENDING_KEY] = {
                "u": user.id,
                "e": user.session_epoch,
                "x": int(time.time()) + current_app.config["SIGN_IN_CODE_MAX_AGE"],
                "k": throttle.account_key(user.email),
                "r": bool(form.remember.data),
                "n": target,
            }
            return redirect(url_for("auth.sign_in_code"))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


def _renew_session() -> None:
    """Start a new session: nothing set before signing in carries over (session fixation),
    and the CSRF token changes. Only the choice of language stays."""
    kept = {key: session[key] for key in ("lang",) if key in session}
    session.clear()
    session.update(kept)


def _sign_in(user: User, *, remember: bool, target: str) -> Response:
    """Sign the person in, in a new session, and send them on: a moderator or the
    secretariat without a second factor sets one up first."""
    _renew_session()
    login_user(user, remember=remember and sessions.may_remember(user))
    sessions.start()
    service.security_event("sign-in", user=user.id, second_factor=service.has_second_factor(user))
    if service.needs_enrolment(user):
        session["after_setup"] = target
        flash(_("Moderators and the secretariat sign in with a second factor. Set yours up "
                "now; it takes a minute."), "info")
        response = redirect(url_for("auth.second_factor"))
    elif not user.is_verified:
        response = redirect(url_for("auth.check_email"))
    else:
        response = redirect(target or url_for("drafts.index"))
    throttle.remember_device(response, user.email)
    return response


def _pending_sign_in() -> tuple[User, dict] | None:
    """The account whose password was right and whose code is awaited, if still in time and
    the password has not changed since."""
    pending = session.get(throttle.PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("x", 0) < time.time():
        return None
    user = service.load_user(f"{pending.get('u')}.{pending.get('e')}")
    if user is None or not service.has_second_factor(user):
        return None
    return user, pending


@blueprint.route("/login/code", methods=["GET", "POST"])
@throttle.limit_sign_in
def sign_in_code() -> str | Response:
    found = _pending_sign_in()
    if found is None:
        session.pop(throttle.PENDING_KEY, None)
        flash(_("Signing in took too long, or was not started. Give your email and password "
                "again."), "info")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = SignInCodeForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            check = service.verify_second_factor(user, form.code.data)
        if work.done:
            # After the session is renewed, or the message would go with the old one.
            response = _sign_in(user, remember=pending.get("r", False),
                                target=pending.get("n", ""))
            if check.by_recovery_code:
                flash(ngettext(
                    "You signed in with a recovery code; each works once. You have %(num)d "
                    "left: make new ones on your profile before they run out.",
                    "You signed in with a recovery code; each works once. You have %(num)d "
                    "left: make new ones on your profile before they run out.",
                    check.recovery_codes_left or 0,
                ), "warning")
            return response
        throttle.sign_in_failed()
        if isinstance(work.error, service.CodeReused):
            service.tell_code_reused(user)
            db.session.commit()
    return render_template("auth/login_code.html", form=form), 400 if form.errors else 200


@blueprint.route("/logout", methods=["POST"])
def logout() -> Response:
    if EmptyForm().validate_on_submit():
        session.clear()
        logout_user()  # after clear(): it leaves the mark that deletes the remember cookie
        flash(_("You are signed out."), "info")
    return redirect(url_for("drafts.index"))


@blueprint.route("/password/forgot", methods=["GET", "POST"])
@throttle.limit_password_reset
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _(
                "If an account uses %(email)s, a link to choose a new password is on its way. "
                "It is valid for two hours.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 400 if form.errors else 200


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    try:
        service.user_for_reset_token(token)
    except Invalid as error:
        return render_template("auth/verify_failed.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            user = service.reset_password(token, form.password.data)
        if work.done:
            logout_user()
            flash(_("Your password is changed. Sign in with the new one."), "success")
            response = redirect(url_for("auth.login"))
            # The link reached the owner's mailbox: this browser is theirs, so attempts
            # made elsewhere to lock the account do not stop them here.
            throttle.remember_device(response, user.email)
            return response
    return render_template("auth/reset_password.html", form=form), 400 if form.errors else 200


@blueprint.route("/profile", methods=["GET", "POST"])
@login_required
@throttle.limit_email_change
def profile() -> str | Response:
    """Three forms on one page: the details comments are signed with, email, password."""
    user = current_user._get_current_object()
    forms = _profile_forms(user)
    status = 200
    sent = forms.get(request.form.get("which", "")) if request.method == "POST" else None
    if sent is not None:
        status = 400
        if sent.validate():
            with unit_of_work(sent) as work:
                message = _change(request.form["which"], user, sent)
            if work.done:
                flash(message, "success")
                return redirect(url_for("auth.profile"))
            status = work.status
    elif request.method == "POST":
        abort(400)
    return (
        render_template(
            "auth/profile.html", forms=forms, **token_views.profile_section(user)
        ),
        status,
    )


def _profile_forms(user: User) -> dict:
    return {
        "profile": ProfileForm(obj=user, prefix="profile"),
        "email": ChangeEmailForm(prefix="email"),
        "password": ChangePasswordForm(prefix="password"),
    }


def _change(which: str, user, form) -> str:
    """Carry out one of the profile page's forms; return what to tell the person."""
    if which == "profile":
        lapsed = service.update_profile(
            user,
            name=form.name.data,
            organization=form.organization.data,
            stakeholder_group=form.stakeholder_group.data,
            country=form.country.data,
        )
        message = _("Your profile is saved. Comments you made earlier keep the details they "
                    "were made with.")
        if lapsed:
            message += " " + _("Your organization changed, so the secretariat’s verification "
                               "is withdrawn until it verifies the new one.")
        return message
    if which == "email":
        service.request_email_change(user, form.email.data, form.current_password.data)
        return _("We sent a link to %(email)s: your address changes when you open it.",
                 email=form.email.data)
    service.change_password(user, form.current_password.data, form.password.data)
    _stay_signed_in(user)
    return _("Your password is changed; other devices are signed out.")


def _stay_signed_in(user: User) -> None:
    """After the account's sessions were ended, sign this browser in again, in a new
    session (and with a new remember-me cookie if it had one)."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    remember = remembered in request.cookies
    _renew_session()
    login_user(user, remember=remember and sessions.may_remember(user))
    sessions.start()


@blueprint.route("/profile/sign-out-elsewhere", methods=["POST"])
@login_required
def sign_out_elsewhere() -> Response:
    """End every other session of the account, on every device; this one goes on."""
    form = EmptyForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        service.end_other_sessions(user)
        db.session.commit()
        _stay_signed_in(user)
        flash(_("You are signed out everywhere else."), "success")
    return redirect(url_for("auth.profile") + "#sessions")


@blueprint.route("/profile/email/<token>")
@writes
def confirm_email_change(token: str) -> str | Response:
    try:
        service.confirm_email_change(token)
    except Invalid as error:
        db.session.rollback()
        return render_template("auth/verify_failed.html", message=error.message), 400
    db.session.commit()
    flash(_("Your email address is changed."), "success")
    return redirect(url_for("auth.profile" if current_user.is_authenticated else "auth.login"))


@blueprint.route("/language")
def language() -> Response:
    """Remember the reader's choice of language and go back to the page they were on."""
    chosen = request.args.get("lang", "")
    if chosen in current_app.config["LANGUAGES"]:
        session["lang"] = chosen
    return redirect(service.safe_next_path(request.args.get("next")) or url_for("drafts.index"))


# The second factor ---------------------------------------------------------------------------


@blueprint.route("/profile/second-factor", methods=["GET", "POST"])
@login_required
def second_factor() -> str | Response | tuple[str, int]:
    """Set up the second factor; once on: new recovery codes, or (stakeholders) turn it off."""
    user = current_user._get_current_object()
    if not service.has_second_factor(user):
        return _enrol(user)
    forms = {
        "recovery": RecoveryCodesForm(prefix="recovery"),
        "disable": DisableSecondFactorForm(prefix="disable"),
    }
    status = 200
    which = request.form.get("which", "") if request.method == "POST" else ""
    sent = forms.get(which)
    if request.method == "POST" and sent is None:
        abort(400)
    if sent is not None:
        status = 400
        if sent.validate():
            if which == "recovery":
                with unit_of_work(sent) as work:
                    codes = service.renew_recovery_codes(user, sent.current_password.data)
                if work.done:
                    return _recovery_codes_page(codes, next_page=url_for("auth.second_factor"))
            else:
                with unit_of_work(sent) as work:
                    service.disable_second_factor(
                        user, sent.current_password.data, sent.code.data
                    )
                if work.done:
                    flash(_("Your second factor is off: signing in takes only your password."),
                          "success")
                    return redirect(url_for("auth.profile"))
            status = work.status
    return render_template(
        "auth/second_factor.html",
        forms=forms,
        can_turn_off=not service.requires_second_factor(user),
        codes_left=service.recovery_codes_left(user),
    ), status


def _enrol(user: User) -> str | tuple[str, int]:
    form = EnableSecondFactorForm()
    status = 200
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            codes = service.enable_second_factor(user, form.token.data, form.code.data)
        if work.done:
            next_page = service.safe_next_path(session.pop("after_setup", "")) or url_for(
                "auth.profile"
            )
            return _recovery_codes_page(codes, next_page=next_page, new=True)
        status = work.status
    elif form.errors:
        status = 400
    try:
        enrolment = service.resume_enrolment(user, form.token.data) if form.token.data else None
    except Invalid:
        enrolment = None
    enrolment = enrolment or service.begin_enrolment(user)
    form.token.data = enrolment.token
    return render_template(
        "auth/second_factor_setup.html",
        form=form,
        enrolment=enrolment,
        required=service.requires_second_factor(user),
    ), status


def _recovery_codes_page(codes: list[str], *, next_page: str, new: bool = False):
    """The codes, this once; the page is not to be kept by the browser or a proxy."""
    text = "\n".join([
        _("Recovery codes for consult (%(email)s).", email=current_user.email),
        _("Each works once, in place of a code from your app."),
        "",
        *codes,
        "",
    ])
    body = render_template(
        "auth/recovery_codes.html",
        codes=codes,
        download="data:text/plain;charset=utf-8," + quote(text),
        next_page=next_page,
        new=new,
    )
    return body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@blueprint.route("/manage/second-factor", methods=["GET", "POST"])
@login_required
def reset_second_factor() -> str | Response | tuple[str, int]:
    """The secretariat turns off the second factor of someone who lost their device."""
    service.require_secretariat(current_user)
    form = ResetSecondFactorForm()
    if request.method == "GET":
        form.email.data = request.args.get("email", "")
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            person = service.account_for_email(form.email.data)
            service.reset_second_factor(current_user, person)
        if work.done:
            flash(_("The second factor of %(email)s is reset; they have been told by email.",
                    email=person.email), "success")
            return redirect(url_for("auth.reset_second_factor"))
    return render_template("auth/reset_second_factor.html", form=form), (
        400 if form.errors else 200
    )


# Until it has a second factor, a moderator or secretariat account can only set one up.
SETUP_ENDPOINTS = frozenset({"auth.second_factor", "auth.logout", "auth.language", "static"})


@blueprint.before_app_request
def _second_factor_first() -> Response | None:
    if request.endpoint in SETUP_ENDPOINTS or not current_user.is_authenticated:
        return None
    if service.needs_enrolment(current_user):
        return redirect(url_for("auth.second_factor"))
    return None


# Too many attempts ---------------------------------------------------------------------------


def _throttled_form(form_class, template: str, **context):
    def page(message: str) -> str:
        form = form_class()
        form.form_errors.append(message)
        return render_template(template, form=form, **context)

    return page


def _throttled_profile(message: str) -> str:
    user = current_user._get_current_object()
    forms = _profile_forms(user)
    forms["email"].form_errors.append(message)
    return render_template("auth/profile.html", forms=forms, **token_views.profile_section(user))


THROTTLED_PAGES = {
    "auth.login": _throttled_form(LoginForm, "auth/login.html"),
    "auth.sign_in_code": _throttled_form(SignInCodeForm, "auth/login_code.html"),
    "auth.register": _throttled_form(RegisterForm, "auth/register.html"),
    "auth.forgot_password": _throttled_form(ForgotPasswordForm, "auth/forgot_password.html"),
    "auth.profile": _throttled_profile,
}


@blueprint.errorhandler(RateLimitExceeded)
def _too_many_attempts(_error: RateLimitExceeded) -> Response:
    """The form again, with what was typed and when to try again; 429 and Retry-After."""
    db.session.rollback()
    seconds = throttle.seconds_to_wait()
    message = throttle.wait_message(seconds)
    service.security_event("throttled", page=request.endpoint, limit=throttle.refusing_limit(),
                           wait=seconds)
    page = THROTTLED_PAGES.get(request.endpoint or "")
    response = make_response(page(message) if page else render_error(429, message)[0], 429)
    response.headers["Retry-After"] = str(seconds)
    return response

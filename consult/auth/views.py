"""Pages for registering, confirming an email, signing in and out, and the profile."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from consult.api import token_views
from consult.auth import service
from consult.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from consult.errors import Invalid
from consult.extensions import db, login_manager
from consult.forms import EmptyForm, unit_of_work

blueprint = Blueprint("auth", __name__)
# The profile page's API tokens section posts to these (/profile/tokens/...).
blueprint.register_blueprint(token_views.blueprint)


@login_manager.user_loader
def _load_user(session_id: str):
    return service.load_user(session_id)


login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    flash(_("Please sign in to see this page."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@blueprint.route("/register", methods=["GET", "POST"])
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
            login_user(user)
            return redirect(url_for("auth.check_email"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@blueprint.route("/register/check-email")
@login_required
def check_email() -> str | Response:
    if current_user.is_verified:
        return redirect(url_for("drafts.index"))
    return render_template("auth/check_email.html", form=EmptyForm())


@blueprint.route("/verify/<token>")
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
def login() -> str | Response:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        form.email.data = request.args.get("email", "")
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            form.form_errors.append(_("The email or the password is not right."))
        else:
            db.session.commit()
            session.clear()
            login_user(user, remember=form.remember.data)
            target = service.safe_next_path(form.next.data)
            if not user.is_verified:
                return redirect(url_for("auth.check_email"))
            return redirect(target or url_for("drafts.index"))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@blueprint.route("/logout", methods=["POST"])
def logout() -> Response:
    if EmptyForm().validate_on_submit():
        session.clear()
        logout_user()  # after clear(): it leaves the mark that deletes the remember cookie
        flash(_("You are signed out."), "info")
    return redirect(url_for("drafts.index"))


@blueprint.route("/password/forgot", methods=["GET", "POST"])
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
            service.reset_password(token, form.password.data)
        if work.done:
            logout_user()
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 400 if form.errors else 200


@blueprint.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    """Three forms on one page: the details comments are signed with, email, password."""
    user = current_user._get_current_object()
    forms = {
        "profile": ProfileForm(obj=user, prefix="profile"),
        "email": ChangeEmailForm(prefix="email"),
        "password": ChangePasswordForm(prefix="password"),
    }
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


def _change(which: str, user, form) -> str:
    """Carry out one of the profile page's forms; return what to tell the person."""
    if which == "profile":
        service.update_profile(
            user,
            name=form.name.data,
            organization=form.organization.data,
            stakeholder_group=form.stakeholder_group.data,
            country=form.country.data,
        )
        return _("Your profile is saved. Comments you made earlier keep the details they were "
                 "made with.")
    if which == "email":
        service.request_email_change(user, form.email.data, form.current_password.data)
        return _("We sent a link to %(email)s: your address changes when you open it.",
                 email=form.email.data)
    service.change_password(user, form.current_password.data, form.password.data)
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=remembered in request.cookies)
    return _("Your password is changed; other devices are signed out.")


@blueprint.route("/profile/email/<token>")
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

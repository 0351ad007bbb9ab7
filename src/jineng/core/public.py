"""The one list of addresses anyone may open without signing in. Every other page and API
address needs a login: `LoginRequiredMiddleware` sends an anonymous visitor of a page to the
login page, and DRF answers 401 on the API (its default permission is IsAuthenticated).
tests/core/test_fail_closed.py walks every URL pattern to hold both to this list."""

PUBLIC_URL_NAMES: frozenset[str] = frozenset(
    {
        # Signing in and out, the language, the load balancer's probe, the landing page, the icon.
        "home",
        "login",
        # The login's second step and enrolment: for whoever passed the password in this
        # session only (core.twofactor_views.pending_user); nobody is logged in before the code.
        "login-code",
        "login-enrol",
        "logout",
        "healthz",
        "favicon",
        "set_language",
        "admin:login",
        "admin:logout",
        # What the public is entitled to see: designated institutions (000 §三(四)), public
        # notices of claims and objections to them (004 §四(五)), certificates verified by anyone.
        "institutions:directory",
        "certificates:verify",
        "certificates:keys",
        "claims:notices",
        "claims:object",
        "api:certificate-keys",
        "api:certificate-verify",
        # Published training (003 §三10: 统一的报名和项目发布平台) and a worker's own registration
        # (实名制, the phone confirmed by a texted code): a worker finds a class before any account.
        "offers:list",
        "offers:detail",
        "offers:register",
        "api:offer-list",
        "api:offer-detail",
        # An attendance device's offline batch (training.signing): no login and no token, each
        # event and the batch are signed by the device's registered Ed25519 key instead.
        "api:attendance-signed-batches",
        # The API's own entrance: a token for a username and password, its schema and docs.
        "api:obtain-token",
        "api-schema",
        "api-docs",
    }
)

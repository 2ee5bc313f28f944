"""schemathesis hooks for the acceptance run: requests a caller of *this* account would send.

    SCHEMATHESIS_HOOKS=account_hooks PARTNERKIT_BASE=http://127.0.0.1:PORT \
    PARTNERKIT_ACTOR='{"kind":"marketplace"}' schemathesis run …

The published document describes every account; a request that fits it may still be refused
by a rule no schema can say (a tenant that is not associated with this account, a user name
outside the tenant's domain, an id already taken). The full run (`schemathesis.sh`, every
check, both modes) tests those answers. This run measures the other half: of the requests a
well-behaved caller of the seeded account sends, how many are accepted. Generation stays
schemathesis's own, from the published schemas; these hooks only

- narrow the command union to the kinds the actor may run, asked of the host itself: a
  command of each kind sent with an empty `If-Match` (a precondition nothing matches) is
  answered 403 when the actor may not run it and 412 when it may, and stores nothing;
- drop `If-Match` (preconditions are the full run's subject);
- put the seeded account's ids where a command names an existing tenant or user, a fresh id
  where it names a new one (an id is the caller's choice, and callers do not reuse them), and
  user names in the tenant's domain;
- make each statements entry one of the account's own ledger: in its currency (USD, cents),
  withholding at most what the entry earned, with no `payable_in` (the host gives each entry
  the month its policy gives); ask for one to 120 months, first to last.

Nothing here reads a response to decide what to send next; the rules stay the host's.
"""
import decimal
import itertools
import json
import os
import urllib.error
import urllib.request
import uuid

import schemathesis

BASE = os.environ["PARTNERKIT_BASE"]
ACTOR = os.environ["PARTNERKIT_ACTOR"]
ACCOUNT = "11111111-1111-4111-8111-111111111111"
TENANT = "22222222-2222-4222-8222-222222222222"
MANAGER = "33333333-3333-4333-8333-333333333333"
DOMAIN = "contoso.com"
CURRENCY = "USD"


def _probe(kind):
    """May the actor run a command of `kind`? Asked with a precondition nothing matches."""
    request = urllib.request.Request(
        f"{BASE}/accounts/{ACCOUNT}/commands",
        data=json.dumps({"type": kind}).encode(),
        method="POST",
        headers={"content-type": "application/json", "if-match": "", "x-partnerkit-actor": ACTOR},
    )
    try:
        with urllib.request.urlopen(request) as response:
            status = response.status
    except urllib.error.HTTPError as e:
        status = e.code
    if status not in (403, 412):
        raise SystemExit(f"probing {kind}: expected 403 or 412, got {status}")
    return status == 412


@schemathesis.hook
def before_load_schema(ctx, raw_schema):
    schemas = raw_schema["components"]["schemas"]
    union = schemas["AccountCommand"]["oneOf"]
    allowed = [v for v in union if _probe(v["properties"]["type"]["const"])]
    if not allowed:
        raise SystemExit(f"{ACTOR} may run no command on the seeded account")
    schemas["AccountCommand"]["oneOf"] = allowed
    print("commands the actor may run:", ", ".join(v["properties"]["type"]["const"] for v in allowed))
    execute = raw_schema["paths"]["/accounts/{id}/commands"]["post"]
    execute["parameters"] = [p for p in execute.get("parameters", []) if p["name"] != "If-Match"]


# Fields that name something that already exists on the seeded account, and fields whose id
# the caller chooses for something new.
EXISTING_TENANT = {"add_users", "create_user", "invite_guests", "add_groups", "create_group",
                   "add_apps", "create_app", "remove_tenant"}
NEW_IDS = {"open_account": ["account"], "create_user": ["user"], "create_group": ["group"],
           "create_app": ["app"], "create_tenant": ["tenant", "admin"],
           "begin_tenant_association": ["tenant"], "set_payout_account": ["payout_account"]}


def _fresh():
    return str(uuid.uuid4())


_serial = itertools.count(1)


def _in_domain(email, domain=DOMAIN):
    """A user name in `domain`, new on the account (a caller does not reuse user names)."""
    local = str(email).split("@", 1)[0][:40] or "user"
    return f"{local}.{next(_serial)}@{domain}"


def _command(body):
    kind = body.get("type")
    for field in NEW_IDS.get(kind, []):
        if field in body:
            body[field] = _fresh()
    if kind in EXISTING_TENANT and "tenant" in body:
        body["tenant"] = TENANT
    if kind == "create_user" and "username" in body:
        body["username"] = _in_domain(body["username"])
    if kind == "create_tenant" and isinstance(body.get("label"), str):
        # A new tenant's name is new in the directory, and its administrator is in it.
        body["label"] = f"{body['label'].strip()[:20]}{next(_serial)}"
        if "admin_username" in body:
            body["admin_username"] = _in_domain(body["admin_username"], f"{body['label'].lower()}.onmicrosoft.com")
    for user in body.get("users", []) if isinstance(body.get("users"), list) else []:
        if isinstance(user, dict):
            user["user"] = _fresh()
            if "username" in user:
                user["username"] = _in_domain(user["username"])
    for group in body.get("groups", []) if kind == "add_groups" and isinstance(body.get("groups"), list) else []:
        if isinstance(group, dict):
            group["group"] = _fresh()
            group["members"] = [MANAGER]
    for app in body.get("apps", []) if kind == "add_apps" and isinstance(body.get("apps"), list) else []:
        if isinstance(app, dict):
            app["app"] = _fresh()
    if kind in ("rename_user", "reset_password", "resend_invitation") and "user" in body:
        body["user"] = MANAGER
    return body


def _cents(money):
    """A generated amount as a whole number of cents (`Decimal`), or None if it is not one."""
    try:
        return decimal.Decimal(money["amount"]).quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_DOWN)
    except (KeyError, TypeError, decimal.InvalidOperation):
        return None


def _month(text):
    """`YYYY-MM` as a count of months, or None."""
    try:
        return int(text[:4]) * 12 + int(text[5:7]) - 1
    except (TypeError, ValueError):
        return None


def _month_text(months):
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    body = case.body
    if not isinstance(body, dict):
        return
    if case.operation.path == "/accounts/{id}/commands":
        case.body = _command(body)
        if body.get("type") == "open_account" and "account" in body:
            # An account is opened at its own path (a fresh id), never at the seeded one.
            case.path_parameters["id"] = body["account"]
    elif case.operation.path == "/accounts/{id}/statements":
        first, last = _month(body.get("first")), _month(body.get("last"))
        if first is not None and last is not None:
            # One to 120 months, in order, as the operation says.
            first, last = min(first, last), max(first, last)
            last = min(last, first + 119)
            body["first"], body["last"] = _month_text(first), _month_text(last)
        for entry in body.get("entries") or []:
            if isinstance(entry, dict) and isinstance(entry.get("earned_on"), str):
                # The host gives the month its policy gives (rule PAY-8).
                entry.pop("payable_in", None)
            # The seeded account is paid in USD, with no conversion; its ledger has amounts in
            # cents and withholds at most what an entry earned, with the entry's sign.
            amount = _cents(entry.get("amount"))
            withheld = _cents(entry.get("withheld"))
            if amount is not None and withheld is not None:
                withheld = min(abs(withheld), abs(amount)) * (1 if amount >= 0 else -1)
                entry["amount"] = {"amount": str(amount), "currency": CURRENCY}
                entry["withheld"] = {"amount": str(withheld), "currency": CURRENCY}
            entry["conversion"] = None

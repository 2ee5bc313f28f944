#!/usr/bin/env python3
"""Differential test of partnerkit's value types against Python libraries (issue 25).

Generates inputs (valid values, near misses, hostile strings) for phone numbers, email
addresses, domain names, IBANs and US TINs, asks partnerkit for its verdict (the
`values_verdicts` example of partnerkit-examples prints one JSON line per input) and compares it
with:

- phone numbers: `phonenumbers` (libphonenumber), parsed with no default region, accepted
  when `is_possible_number`, compared in E.164;
- email addresses: `email-validator`, `check_deliverability=False`, compared as lower-case
  local part + ASCII domain;
- domain names: `idna` (IDNA 2008 with UTS #46 mapping, STD3 rules), compared in ASCII;
- IBANs: `python-stdnum` `stdnum.iban`;
- US TINs: `python-stdnum` `stdnum.us.ssn`, `stdnum.us.itin`, `stdnum.us.ein`, by layout
  (123-45-6789: SSN or ITIN; 12-3456789: EIN; nine bare digits: any; other layouts: none);
- currencies: `iso4217` (its ISO 4217 table, with each currency's minor-unit exponent), every
  code in it and near misses, compared as `CODE:decimals`.

Every disagreement fails unless `policy()` below names it as a documented policy difference
(each with where partnerkit documents it). Exit status 0 when nothing else disagrees.

Needs: pip install phonenumbers email-validator python-stdnum idna iso4217
Run from the repository root: python3 scripts/values_differential.py
"""

import json
import random
import subprocess
import sys
import unicodedata

import email_validator
import idna
import iso4217
import phonenumbers
from stdnum import iban as std_iban
from stdnum.us import ein as std_ein
from stdnum.us import itin as std_itin
from stdnum.us import ssn as std_ssn

RUST = ["cargo", "run", "-q", "-p", "partnerkit-examples", "--example", "values_verdicts"]
SEED = 25

# ---------------------------------------------------------------- inputs


def phone_inputs():
    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            n = phonenumbers.example_number_for_type(region, kind)
            if n is None:
                continue
            out.append(phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
            out.append(phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164))
            meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
            # E.123: "+CC (0) national" where the trunk prefix is 0.
            if meta is not None and meta.national_prefix == "0":
                out.append(f"+{n.country_code} (0) {n.national_number}")
    out += [
        "+44 (0) 20 7946 0958", "+49 (0)30 901820", "+33 (0)1 23 45 67 89",
        "+61 (0)2 9876 5432", "+46 (0)8 123 456 78", "+39 06 1234 5678", "+39 (0)6 1234 5678",
        # near misses
        "+999 1234 5678", "+1 425 555 010", "+49 123 456 789 01234", "+", "+0 123 4567",
        "12 345 678", "+683 400",
        # hostile
        "+1 800 FLOWERS", "+1 425 555 0100 ext. 12", "tel:+14255550100", "+1\u00a0425 555 0100",
        "＋１ ４２５ ５５５ ０１００", "+1 425 555 0100\u202e", "+44 (0)(0) 20 7946 0958",
        "+44 ((0)) 20 7946 0958",
    ]
    return out


def email_inputs():
    out = [
        "ann@contoso.com", "Ann.Lind@Contoso.COM", "jörg@bücher.de", "ann@xn--bcher-kva.de",
        "ann+tag@example.com", "o'brien@example.ie", "用户@例子.广告", "ann@example.test",
        "ann@host.local", "ann@x.invalid", "ann@x.localhost", "ann@contoso.com.",
        "ann@localhost", "ann", "@contoso.com", "ann@@contoso.com", "Ann <ann@contoso.com>",
        "\"ann lind\"@contoso.com", "\"ann\"@contoso.com", "ann@[10.0.0.1]",
        "ann@☃.net", "ann@paypal—secure.com", "ann@ex--ample.com",
    ]
    local = "a" * 64
    for n in (180, 189, 190, 200):
        labels, left = [], n - 3
        while left > 0:
            take = min(left, 64)
            if left - take == 1:
                take -= 1
            labels.append("b" * (take - 1))
            left -= take
        out.append(f"{local}@{''.join(l + '.' for l in labels)}com")
    out.append("a" * 65 + "@contoso.com")
    for c in " \t\u00a0\u0085\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000":
        out.append(f"ann{c}lind@contoso.com")
    return out


def domain_inputs():
    return [
        "contoso.com", "Contoso.COM", "bücher.de", "xn--bcher-kva.de", "例え.テスト",
        "παράδειγμα.gr", "пример.рф", "col·legi.cat", "straße.de", "ex-ample.com",
        "a-b-c.com", "école.fr", "e\u0301cole.fr", "日本語.jp",
        # near misses and hostile
        "☃.net", "💩.la", "paypal—secure.com", "paypal–secure.com", "a∕b.com", "a⁄b.com",
        "a·b.cat", "ex--ample.com", "xn--n3h.net", "xn--ls8h.la", "-contoso.com",
        "contoso-.com", "con_toso.com", "con toso.com", "contoso", "contoso.com.",
        "10.0.0.1", "bücher.123", "\u0301a.com", "a\u0640b.com", "a★b.com", "a©b.com",
        "xn--zz.de", "xn--contoso-.com", "a" * 64 + ".com", "bu\u200bcher.de",
        "a・b.jp",
    ]


IBAN_EXAMPLES = [
    "AD1200012030200359100100", "AE070331234567890123456", "AL47212110090000000235698741",
    "AT611904300234573201", "AZ21NABZ00000000137010001944", "BA391290079401028494",
    "BE68539007547034", "BG80BNBG96611020345678", "BH67BMAG00001299123456",
    "BR1800360305000010009795493C1", "CH9300762011623852957", "CR05015202001026284066",
    "CY17002001280000001200527600", "CZ6508000000192000145399", "DE89370400440532013000",
    "DK5000400440116243", "DO28BAGR00000001212453611324", "EE382200221020145685",
    "ES9121000418450200051332", "FI2112345600000785", "FO6264600001631634",
    "FR1420041010050500013M02606", "GB29NWBK60161331926819", "GE29NB0000000101904917",
    "GI75NWBK000000007099453", "GL8964710001000206", "GR1601101250000000012300695",
    "GT82TRAJ01020000001210029690", "HR1210010051863000160", "HU42117730161111101800000000",
    "IE29AIBK93115212345678", "IL620108000000099999999", "IS140159260076545510730339",
    "IT60X0542811101000000123456", "JO94CBJO0010000000000131000302",
    "KW81CBKU0000000000001234560101", "KZ86125KZT5004100100", "LB62099900000001001901229114",
    "LI21088100002324013AA", "LT121000011101001000", "LU280019400644750000",
    "LV80BANK0000435195001", "MC5811222000010123456789030", "MD24AG000225100013104168",
    "ME25505000012345678951", "MK07250120000058984", "MR1300020001010000123456753",
    "MT84MALT011000012345MTLCAST001S", "MU17BOMM0101101030300200000MUR", "NL91ABNA0417164300",
    "NO9386011117947", "PK36SCBL0000001123456702", "PL61109010140000071219812874",
    "PS92PALS000000000400123456702", "PT50000201231234567890154", "QA58DOHB00001234567890ABCDEFG",
    "RO49AAAA1B31007593840000", "RS35260005601001611379", "SA0380000000608010167519",
    "SE4550000000058398257466", "SI56263300012039086", "SK3112000000198742637541",
    "SM86U0322509800000000270100", "TN5910006035183598478831", "TR330006100519786457841326",
    "UA213223130000026007233566001", "VG96VPVG0000012345678901", "XK051212012345678906",
    "HN88CABF00000000000250005469",
]


def iban_inputs():
    out = []
    for e in IBAN_EXAMPLES:
        out.append(e)
        out.append(" ".join(e[i:i + 4] for i in range(0, len(e), 4)))
        # near misses: a changed digit, check digits that only MOD 97 lets through
        i = len(e) - 1
        changed = e[:i] + ("0" if e[i] != "0" else "1")
        out.append(changed)
        check = int(e[2:4])
        twin = {2: "99", 97: "00", 98: "01"}.get(check)
        if twin:
            out.append(e[:2] + twin + e[4:])
        out.append(e[:-1])  # one character short
    out += ["GB99WEST00000000000029", "GB02WEST00000000000029", "JP1234567890", "XX00",
            "DE89 3704 0044 0532 0130 00\u202e"]
    out += registry_ibans()
    return out


def national_check_only(compact):
    """True if stdnum refuses the IBAN only for its country module's national check."""
    try:
        std_iban.validate(compact, check_country=False)
        return True
    except Exception:  # noqa: BLE001 — any refusal means more than the national check failed
        return False


def registry_ibans():
    """Three valid IBANs for every country of python-stdnum's copy of the SWIFT IBAN
    Registry (its `iban.dat` names the release), made from each country's BBAN format: so the
    whole country table is compared, not a list of examples."""
    import os
    import re
    import stdnum
    rng = random.Random(SEED)
    alphabet = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                "c": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    out = []
    with open(os.path.join(os.path.dirname(stdnum.__file__), "iban.dat"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r'^([A-Z]{2}) .*bban="([^"]+)"', line)
            if not m:
                continue
            country, bban_format = m.groups()
            for _ in range(3):
                bban = "".join(
                    "".join(rng.choice(alphabet[kind]) for _ in range(int(n)))
                    for n, kind in re.findall(r"(\d+)!([nac])", bban_format))
                digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
                check = 98 - int(digits) % 97
                out.append(f"{country}{check:02d}{bban}")
    return out


def tin_inputs():
    rng = random.Random(SEED)
    out = ["078-05-1120", "219-09-9999", "457-55-5462", "666-12-3456", "123-00-4567",
           "123-45-0000", "900-12-3456", "912-70-1234", "912-93-1234", "12-3456789",
           "07-1234567", "93-1234567", "000000000", "1234-56789", "12 3456789", "123 45 6789",
           "123-45-678a", "１２３-４５-６７８９"]
    for _ in range(1500):
        d = "".join(rng.choice("0123456789") for _ in range(9))
        layout = rng.randrange(3)
        out.append(f"{d[:3]}-{d[3:5]}-{d[5:]}" if layout == 0 else
                   f"{d[:2]}-{d[2:]}" if layout == 1 else d)
    for area in (0, 1, 665, 666, 667, 899, 900, 999):
        for group in (0, 1, 49, 50, 65, 66, 70, 88, 89, 90, 93, 94, 99):
            out.append(f"{area:03d}-{group:02d}-1234")
    return out


# ---------------------------------------------------------------- reference verdicts


def py_phone(x):
    try:
        n = phonenumbers.parse(x, None)
    except phonenumbers.NumberParseException:
        return (False, None)
    if not phonenumbers.is_possible_number(n):
        return (False, None)
    return (True, phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164))


def py_email(x):
    try:
        v = email_validator.validate_email(x, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return (False, None)
    return (True, unicodedata.normalize("NFC", v.local_part.lower()) + "@" + v.ascii_domain.lower())


def py_domain(x):
    try:
        return (True, idna.encode(x.strip(), uts46=True, std3_rules=True).decode().lower())
    except (idna.IDNAError, UnicodeError, ValueError):
        return (False, None)


def py_iban(x):
    if not std_iban.is_valid(x):
        return (False, None)
    return (True, std_iban.compact(x))


def tin_layout(x):
    t = x.strip()
    if len(t) == 11 and t[3] in "- " and t[6] in "- ":
        return "ssn"
    if len(t) == 10 and t[2] in "- ":
        return "ein"
    if len(t) == 9:
        return "any"
    return None


def py_tin(x):
    layout = tin_layout(x)
    digits = "".join(c for c in x if c.isdigit())
    if layout is None or not (len(digits) == 9 and digits.isascii()):
        return (False, None)
    ssn_like = std_ssn.is_valid(digits) or std_itin.is_valid(digits)
    ok = {"ssn": ssn_like, "ein": std_ein.is_valid(digits),
          "any": ssn_like or std_ein.is_valid(digits)}[layout]
    return (ok, digits if ok else None)


def currency_inputs():
    codes = [c.code for c in iso4217.Currency]
    return codes + [c.lower() for c in codes[:20]] + [
        "BGN", "XXX", "XTS", "EUR ", " EUR", "EU", "EURO", "E\u0301UR", "ＥＵＲ", "", "123",
        "DEM", "FRF", "HRK", "SLL", "VEF", "ZWL"]


ISO4217 = {c.code: c for c in iso4217.Currency}
# Refused on purpose (docs/MONEY.md): no minor unit, or a unit of account (XAD).
NOT_PAID_IN = {"XAU", "XAG", "XPD", "XPT", "XDR", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA",
               "XTS", "XXX", "XAD"}


def py_currency(x):
    c = ISO4217.get(x)
    if c is None:
        return (False, None)
    return (True, f"{c.code}:{c.exponent if c.exponent is not None else 'none'}")


REFERENCE = {"phone": py_phone, "email": py_email, "domain": py_domain, "iban": py_iban,
             "tin": py_tin, "currency": py_currency}

# ---------------------------------------------------------------- documented differences


def policy(kind, x, ours, theirs):
    """The documented reason partnerkit differs here, or None (an undocumented difference)."""
    ok, _ = ours
    their_ok, _ = theirs
    if kind == "phone":
        if not ok and their_ok and any(c.isalpha() for c in x):
            return "letters (vanity numbers, 'ext.', 'tel:') are refused (PhoneNumber docs)"
        if not ok and their_ok and not x.isascii():
            return "only ASCII digits and separators are read (PhoneNumber docs)"
        if ok and not their_ok:
            return "lengths are checked by E.164 and per-code bounds, not each national plan (PhoneNumber docs, data/e164_country_codes.txt)"
        if not ok and their_ok and sum(c.isdigit() for c in x) > 15:
            return "at most 15 digits in all, the country code included (E.164 §6; PhoneNumber docs)"
        ours_v, theirs_v = ours[1], theirs[1]
        if ok and their_ok and "(0)" in x and ours_v and theirs_v:
            code = x.lstrip("+").split("(")[0].strip()
            if theirs_v == f"+{code}0{ours_v[len(code) + 1:]}":
                return "'(0)' right after the country code is always a trunk prefix (E.123), where libphonenumber keeps a 0 it cannot strip (PhoneNumber docs)"
    if kind == "email":
        tld = x.rsplit(".", 1)[-1]
        if ok and not their_ok and tld in ("test", "local", "invalid", "localhost", "onion"):
            return "special-use domains are accepted (RFC 6761; EmailAddress docs)"
        if not ok and their_ok and any(c.isspace() for c in x.split("@")[0]):
            return "no space-like character before @, quoted or not (EmailAddress docs)"
        local = x.rsplit("@", 1)[0]
        if ok and not their_ok and local.startswith('"'):
            return "a quoted local part without spaces is accepted as given; email-validator refuses quoted local parts by default (EmailAddress docs)"
        if not ok and their_ok and len(local.encode()) > 64:
            return "the local part has at most 64 octets (RFC 5321 §4.5.3.1.1); email-validator checks it only when strict (EmailAddress docs)"
    if kind == "domain":
        if not ok and their_ok and any(unicodedata.category(c) == "Cf" for c in x):
            return "invisible characters are refused, not dropped as UTS #46 maps them (canonical_domain docs)"
        if not ok and their_ok and "." not in x.strip().rstrip("."):
            return "a domain has at least two labels (canonical_domain docs)"
        if not ok and their_ok and x.strip().endswith("."):
            return "a trailing dot is refused, not stripped (canonical_domain docs)"
        if not ok and their_ok and x.strip().rsplit(".", 1)[-1].isdigit():
            return "the last label is not all digits (canonical_domain docs)"
        if not ok and their_ok and "\u30fb" in x:
            return "katakana middle dot refused everywhere, stricter than RFC 5892 (canonical_domain docs)"
    if kind == "iban":
        compact = "".join(x.split()).upper()
        if not ok and their_ok and compact[2:4] in ("00", "01", "99"):
            return "check digits 00, 01 and 99 are refused (ISO 13616-1; data/bank-schemes.md)"
        if ok and not their_ok and compact.startswith("BE"):
            return "stdnum checks Belgian bank codes against its own bank list; partnerkit checks the registry format and MOD 97 (data/bank-schemes.md)"
        if ok and not their_ok and national_check_only(compact):
            return "stdnum also checks some countries' national check digits inside the BBAN (ES, ME, NO, …); partnerkit checks the registry format and MOD 97 (data/bank-schemes.md)"
        if not ok and their_ok and compact.startswith("XK"):
            return "XK is not an ISO 3166-1 code, so no billing address is in Kosovo (docs/MONEY.md)"
    if kind == "currency":
        if not ok and their_ok and x in NOT_PAID_IN:
            return "ISO 4217 codes without a minor unit, and XAD, are not money a publisher is paid in (docs/MONEY.md)"
    if kind == "tin":
        digits = "".join(c for c in x if c.isdigit())
        group = int(digits[3:5]) if len(digits) == 9 and digits.isascii() else -1
        if ok and not their_ok and digits.startswith("9") and 50 <= group <= 65:
            return "ITIN groups 50-65 are issued (IRS, docs/MONEY.md); stdnum allows only 70-88, 90-92, 94-99"
        if ok and not their_ok and digits == "457555462":
            return "457-55-5462 is a real, publicly known SSN, not one the SSA voided; stdnum lists it (docs/MONEY.md)"
    return None


# ---------------------------------------------------------------- run


def main():
    inputs = [("phone", x) for x in phone_inputs()] + [("email", x) for x in email_inputs()] \
        + [("domain", x) for x in domain_inputs()] + [("iban", x) for x in iban_inputs()] \
        + [("tin", x) for x in tin_inputs()] + [("currency", x) for x in currency_inputs()]
    stdin = "".join(json.dumps([k, x]) + "\n" for k, x in inputs)
    run = subprocess.run(RUST, input=stdin, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        return 2
    verdicts = [json.loads(line) for line in run.stdout.split("\n") if line.strip()]
    if len(verdicts) != len(inputs):
        print(f"partnerkit answered {len(verdicts)} of {len(inputs)} inputs")
        return 2
    failures, documented = [], {}
    for (kind, x), v in zip(inputs, verdicts):
        ours = (v["ok"], v.get("value"))
        theirs = REFERENCE[kind](x)
        same = ours[0] == theirs[0] and (not ours[0] or ours[1] == theirs[1])
        if same:
            continue
        reason = policy(kind, x, ours, theirs)
        if reason:
            documented[reason] = documented.get(reason, 0) + 1
        else:
            failures.append((kind, x, ours, v.get("code"), theirs))
    print(f"{len(inputs)} inputs compared")
    for reason, n in sorted(documented.items()):
        print(f"  documented difference ({n}): {reason}")
    for kind, x, ours, code, theirs in failures:
        print(f"FAIL {kind} {x!r}: partnerkit {ours} {code or ''}, reference {theirs}")
    print(f"{len(failures)} undocumented differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

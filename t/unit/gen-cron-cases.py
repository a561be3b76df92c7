#!/usr/bin/env python3
"""Generates t/unit/cron-cases.h, the expected values for t/unit/test-cronexpr.c
and t/unit/test-tz.c, independently of lib/cronexpr.c and lib/tz.c.

    python3 t/unit/gen-cron-cases.py > t/unit/cron-cases.h

Everything here is a separate, deliberately naive reference:

- a cron parser of its own (regular expressions and Python sets);
- next run times by brute force: every local calendar day from two days
  before the start is tested against the day rule (month, and day-of-month /
  day-of-week combined as Vixie cron does), and on each matching day every
  one of the 1440 local minutes is tested against the hour and minute sets;
  each matching local time is turned into an instant by Python's zoneinfo
  with fold=0, which is exactly SPEC 5.1: a skipped local time is read with
  the offset before the gap (so it lands shifted forward by the gap length)
  and a repeated local time is its first occurrence.  The runs are then the
  sorted distinct instants strictly after the start (so the repeated times'
  second occurrences never run, and several skipped times landing on one
  instant run once);
- UTC offsets and local-time resolutions straight from zoneinfo
  (utcoffset(), fold=0 / fold=1).

zoneinfo reads the same system tz database (/usr/share/zoneinfo) as
lib/tz.c, so regenerate after a tzdata update if a zone's rules changed.
"""

import datetime as dt
import io
import json
import re
import struct
import sys
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
HORIZON_YEARS = 400      # CRON_EXPR_YEARS in lib/cronexpr.h
MAX_RUNS = 8             # CRON_CASE_RUNS in the generated header

# ---------------------------------------------------------------------------
# Reference parser.

MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
DAYS = "sun mon tue wed thu fri sat".split()
FIELDS = [("minute", 0, 59, None), ("hour", 0, 23, None),
          ("day-of-month", 1, 31, None), ("month", 1, 12, MONTHS),
          ("day-of-week", 0, 7, DAYS)]
MACROS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
          "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
          "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
          "@hourly": "0 * * * *"}


class CronError(Exception):
    pass


def ref_value(tok, field):
    name, lo, hi, names = field
    if re.fullmatch(r"[0-9]+", tok):
        v = int(tok)
        if not lo <= v <= hi:
            raise CronError(f"{name}: {tok} out of range")
        return v
    if names and tok.lower() in names:
        return names.index(tok.lower()) + lo
    raise CronError(f"{name}: bad value {tok!r}")


def ref_field(text, field):
    name, lo, hi, _ = field
    values = set()
    for item in text.split(","):
        m = re.fullmatch(r"(\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:/([0-9]+))?",
                         item)
        if not m:
            raise CronError(f"{name}: bad item {item!r}")
        base, step = m.group(1), m.group(2)
        if base == "*":
            a, b = lo, hi
        elif "-" in base:
            a, b = (ref_value(x, field) for x in base.split("-"))
            if b < a:
                raise CronError(f"{name}: reversed range {base}")
        else:
            a = ref_value(base, field)
            b = hi if step is not None else a
        s = 1 if step is None else int(step)
        if not 1 <= s <= hi - lo + 1:
            raise CronError(f"{name}: bad step {step}")
        values.update(range(a, b + 1, s))
    return values


def ref_parse(text):
    """Returns a dict of sets and star flags, or raises CronError."""
    text = text.lstrip(" \t")
    if text == "":
        raise CronError("empty")
    if len(text) > 256:
        raise CronError("too long")
    if any(ord(c) < 0x20 and c != "\t" for c in text):
        raise CronError("control character")
    if text.startswith("@"):
        word, _, rest = text.partition(" ")
        word = word.split("\t")[0]
        if word.lower() == "@reboot":
            raise CronError("@reboot not supported")
        if word.lower() not in MACROS or text[len(word):].strip(" \t"):
            raise CronError("bad macro")
        text = MACROS[word.lower()]
    parts = [p for p in re.split(r"[ \t]+", text) if p]
    if len(parts) != 5:
        raise CronError("fields")
    sets = [ref_field(p, f) for p, f in zip(parts, FIELDS)]
    return {"minute": sets[0], "hour": sets[1], "dom": sets[2],
            "month": sets[3], "dow": {v % 7 for v in sets[4]},
            "dom_star": parts[2].startswith("*"),
            "dow_star": parts[4].startswith("*")}


def mask(values):
    return sum(1 << v for v in values)

# ---------------------------------------------------------------------------
# Reference evaluation: brute force over days and minutes.


def day_ok(p, day):
    if day.month not in p["month"]:
        return False
    dom = day.day in p["dom"]
    dow = (day.weekday() + 1) % 7 in p["dow"]    # Monday is 0 in Python
    if p["dom_star"] or p["dow_star"]:
        return dom and dow
    return dom or dow


def fire(z, day, h, mi):
    """The instant (seconds) local time day h:mi runs at: fold=0."""
    return int(dt.datetime(day.year, day.month, day.day, h, mi,
                           tzinfo=z).timestamp())


def ref_next_n(p, zname, after_ms, n):
    z = ZoneInfo(zname)
    start = dt.datetime.fromtimestamp(after_ms // 1000, z).date() \
        - dt.timedelta(days=2)
    found = set()
    day, bound = start, None
    while day.year <= start.year + HORIZON_YEARS and \
            (bound is None or day <= bound):
        if day_ok(p, day):
            for m in range(1440):
                h, mi = divmod(m, 60)
                if h in p["hour"] and mi in p["minute"]:
                    f = fire(z, day, h, mi)
                    if f * 1000 > after_ms:
                        found.add(f)
            if len(found) >= n:
                nth = sorted(found)[n - 1]
                # Local days 3+ days later can only run later than nth.
                bound = dt.datetime.fromtimestamp(nth, z).date() \
                    + dt.timedelta(days=2)
        day += dt.timedelta(days=1)
    return [f * 1000 for f in sorted(found)[:n]]

# ---------------------------------------------------------------------------
# Helpers.


def iso_ms(ms):
    t = dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_iso(s):
    t = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return int(t.timestamp() * 1000)


def local_str(ms, zname):
    t = dt.datetime.fromtimestamp(ms // 1000, ZoneInfo(zname))
    off = t.utcoffset()
    secs = int(off.total_seconds())
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    return t.strftime("%Y-%m-%d %H:%M") + \
        f" {sign}{secs // 3600:02d}:{secs % 3600 // 60:02d}"


def c_str(s):
    return json.dumps(s)


def transitions(zname, year):
    """Instants (seconds) in year where zname's UTC offset changes."""
    z = ZoneInfo(zname)

    def off(t):
        return dt.datetime.fromtimestamp(t, z).utcoffset()

    t = int(dt.datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(dt.datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    out = []
    while t < end:
        if off(t) != off(t + 3600):
            lo, hi = t, t + 3600          # off(lo) != off(hi)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if off(mid) == off(lo):
                    lo = mid
                else:
                    hi = mid
            out.append(hi)
        t += 3600
    return out

# ---------------------------------------------------------------------------
# The cron cases: (expression, zone, from, number of runs, note).

CASES = []


def case(expr, zone, frm, n=5, note=""):
    CASES.append((expr, zone, frm, n, note))


def cases_basic():
    # Every minute across minute, hour, day, month and year ends.
    for frm in ["2026-03-15T10:00:00.000Z", "2026-03-15T10:00:00.001Z",
                "2026-03-15T10:00:59.999Z", "2026-12-31T23:58:30.000Z",
                "2026-01-31T23:59:00.000Z", "2026-04-30T23:58:00.000Z",
                "2024-02-29T23:59:59.999Z", "2023-02-28T23:58:00.000Z",
                "1999-12-31T23:57:00.000Z", "2099-12-31T23:59:00.000Z"]:
        case("* * * * *", "UTC", frm, 4, "every minute")
    for zone, frm in [("Asia/Tokyo", "2026-12-31T14:58:00.000Z"),
                      ("Asia/Kathmandu", "2026-12-31T18:13:00.000Z"),
                      ("America/New_York", "2027-01-01T04:58:00.000Z"),
                      ("Australia/Lord_Howe", "2026-12-31T12:58:00.000Z"),
                      ("Europe/London", "2026-05-31T22:58:00.000Z"),
                      ("Australia/Sydney", "2026-02-28T12:58:00.000Z")]:
        case("* * * * *", zone, frm, 4, "every minute, local year/month end")
    # Leap years.
    for zone, frm in [("UTC", "2023-06-01T00:00:00.000Z"),
                      ("UTC", "2024-02-29T00:00:00.000Z"),
                      ("UTC", "2096-03-01T00:00:00.000Z"),
                      ("UTC", "1999-01-01T00:00:00.000Z"),
                      ("UTC", "2000-02-28T12:00:00.000Z"),
                      ("America/New_York", "2026-03-15T00:00:00.000Z"),
                      ("Asia/Tokyo", "2027-06-01T00:00:00.000Z"),
                      ("Australia/Sydney", "2028-02-28T13:00:00.000Z")]:
        case("0 0 29 2 *", zone, frm, 3, "Feb 29 only: leap years")
    case("0 12 29 2 *", "Asia/Kathmandu", "2027-01-01T00:00:00.000Z", 3)
    case("30 23 28,29 2 *", "UTC", "2099-12-01T00:00:00.000Z", 4,
         "2100 is not a leap year")
    case("0 0 28-31 2 *", "UTC", "2100-02-01T00:00:00.000Z", 4)
    case("0 0 * 2 *", "UTC", "2100-02-27T00:00:00.000Z", 3)
    case("0 0 * 2 *", "UTC", "2000-02-27T00:00:00.000Z", 3)
    case("0 0 29 2 1", "UTC", "2028-02-20T00:00:00.000Z", 4,
         "OR: Feb 29 or a Monday in February")
    case("0 0 29 2 */7", "UTC", "2060-03-01T00:00:00.000Z", 3,
         "AND: Feb 29 that is a Sunday; 2100 breaks the 28-year cycle")
    case("59 23 28 2 *", "UTC", "2024-02-28T23:59:00.000Z", 3)
    case("0 0 1 3 *", "America/New_York", "2024-02-28T00:00:00.000Z", 3)
    # Days that do not exist.
    for expr, zone in [("0 0 30 2 *", "UTC"), ("0 0 31 4,6,9,11 *", "UTC"),
                       ("0 0 30,31 2 *", "America/New_York"),
                       ("* * 31 2,4 *", "Asia/Tokyo"),
                       ("0 0 30 2 */2", "Australia/Lord_Howe")]:
        case(expr, zone, "2026-01-01T00:00:00.000Z", 0, "never")
    case("0 0 31 * *", "UTC", "2026-01-31T00:00:00.000Z", 6,
         "skips short months")
    case("0 0 31 * *", "Europe/London", "2026-01-31T00:00:00.000Z", 6)
    case("0 0 30 * *", "UTC", "2026-01-29T00:00:00.000Z", 4, "skips Feb")
    case("0 0 31 1-6 *", "UTC", "2026-01-01T00:00:00.000Z", 4)
    case("15 10 31 */2 *", "Asia/Tokyo", "2026-01-01T00:00:00.000Z", 5)
    case("0 0 29,30,31 * *", "UTC", "2027-01-30T00:00:00.000Z", 5)


def cases_days():
    for expr, note in [
            ("0 0 13 * 5", "OR: every 13th and every Friday"),
            ("0 0 1 * 1", "OR: the 1st and Mondays"),
            ("0 0 * * 1", "AND with *: Mondays"),
            ("0 0 */2 * 1", "AND (dom starts with *): odd days, Mondays"),
            ("0 0 1-7 * 1", "OR (Vixie): days 1-7 and every Monday"),
            ("0 0 1 * */2", "AND (dow starts with *): 1st on Sun/Tue/..."),
            ("0 0 * * 0", "Sunday as 0"),
            ("0 0 * * 7", "Sunday as 7"),
            ("0 0 * * 0,7", "Sunday twice"),
            ("0 0 * * SUN", "Sunday by name"),
            ("0 9 * * 1-5", "weekdays"),
            ("0 0 15 * 0", "OR"),
            ("0 0 1,15 * 3", "OR"),
            ("0 0 */10 * 5", "AND: 1/11/21/31 that are Fridays"),
            ("0 0 1-31 * 5", "OR with a full day-of-month: every day"),
            ("0 0 * * 1-7", "every day"),
            ("0 0 1 1 1", "OR: Jan 1 or Mondays in January"),
            ("0 0 * * 6,0", "weekends"),
            ("0 0 8-14 * 2", "OR, not 'second Tuesday'"),
            ("0 0 */7 * 2", "AND: days 1,8,15,22,29 that are Tuesdays")]:
        case(expr, "UTC", "2026-03-10T12:00:00.000Z", 6, note)
    case("30 9 * * 1-5", "America/New_York", "2026-03-06T15:00:00.000Z", 6,
         "SPEC example, across the spring-forward weekend")
    case("30 9 * * MON-FRI", "America/New_York", "2026-10-30T14:00:00.000Z",
         6, "across the fall-back weekend")
    case("0 0 13 * 5", "Asia/Tokyo", "2026-02-01T00:00:00.000Z", 6)
    case("0 0 * * 1", "Australia/Sydney", "2026-03-31T00:00:00.000Z", 4)
    case("0 0 1 * 1", "Asia/Kathmandu", "2026-05-30T00:00:00.000Z", 5)


def cases_steps():
    for expr in ["*/15 * * * *", "1-30/5 * * * *", "5/15 * * * *",
                 "0 */6 * * *", "0 9-17/2 * * *", "0 0 1 */3 *",
                 "0,30 * * * *", "15,45 8-10 * * *", "*/7 * * * *",
                 "0 */5 * * *", "59 23 31 12 *", "0 0 1 1 *",
                 "*/45 * * * *", "10-12 * * * *", "0 0 */31 * *",
                 "0-59/30 0-23/12 * * *", "3-59/20 * * * *",
                 "0 0 5-25/10 * *", "0 0 1 1-12/4 *", "0 12 * * 1-5/2",
                 "0 12 * * */3", "0 12 * * 5/1", "*/60 * * * *",
                 "0 */24 * * *", "7 7 7 7 *", "0 0 */30 * *",
                 "1,2,3,5,8,13,21,34,55 * * * *", "0 0-23/7 * * *",
                 "0 12 1 1,4,7,10 *", "45 23 * * 6"]:
        case(expr, "UTC", "2026-12-30T22:50:00.000Z", 6)
    case("*/15 * * * *", "Asia/Kathmandu", "2026-06-30T18:10:00.000Z", 6,
         "+05:45: local quarter hours")
    case("0 * * * *", "Asia/Kathmandu", "2026-06-30T18:10:00.000Z", 4,
         "+05:45: local hours are UTC :15")
    case("*/20 * * * *", "Australia/Lord_Howe", "2026-06-30T13:50:00.000Z",
         4)


def cases_names():
    for expr in ["0 0 1 jan,jul *", "0 12 * JAN-MAR mon", "0 0 * * Sat,sun",
                 "0 6 * * mon-fri/2", "0 0 1 DEC *", "0 0 * feb SUN",
                 "0 0 1 Jan-Dec/3 *", "0 0 * * tue-thu", "0 8 * jun-aug fri",
                 "0 0 1 mAy *", "0 0 * * MON,wed,FrI", "0 0 1 1,FEB,3 *"]:
        case(expr, "UTC", "2026-03-10T12:00:00.000Z", 5)
    for expr in ["@yearly", "@annually", "@monthly", "@weekly", "@daily",
                 "@midnight", "@hourly", "@DAILY", "  @Weekly  "]:
        case(expr, "UTC", "2026-03-10T12:00:00.000Z", 3)
    for expr, zone in [("@daily", "America/New_York"),
                       ("@hourly", "Asia/Tokyo"),
                       ("@weekly", "Australia/Sydney"),
                       ("@monthly", "Asia/Kathmandu"),
                       ("@yearly", "Europe/London"),
                       ("@hourly", "Australia/Lord_Howe")]:
        case(expr, zone, "2026-12-30T12:00:00.000Z", 4)


DST_EXPRS = ["* * * * *", "*/15 * * * *", "*/30 * * * *", "0 * * * *",
             "30 * * * *", "0 2 * * *", "30 2 * * *", "0 1 * * *",
             "30 1 * * *", "45 1 * * *", "59 1 * * *", "0 3 * * *",
             "15 2 * * *", "10,40 1-3 * * *", "*/10 1-2 * * *"]


def cases_dst():
    for zone, year in [("America/New_York", 2026), ("Europe/London", 2026),
                       ("Australia/Lord_Howe", 2026),
                       ("Australia/Sydney", 2026)]:
        for t in transitions(zone, year):
            for expr in DST_EXPRS:
                n = 8 if expr.startswith("*") else 5
                frm = (t - 2 * 3600) * 1000 if not expr.startswith("* ") \
                    else (t - 3 * 60) * 1000
                case(expr, zone, iso_ms(frm), n,
                     f"DST {local_str(t * 1000, zone)}")
            # Starting inside the gap window or the repeated hour.
            for expr in ["* * * * *", "*/15 * * * *", "0 * * * *",
                         "30 1 * * *", "30 2 * * *"]:
                case(expr, zone, iso_ms((t + 600) * 1000 + 123), 4,
                     "from 10 minutes after the change")
            case("*/5 * * * *", zone, iso_ms(t * 1000 - 1), 4,
                 "from 1 ms before the change")
    # The footer (POSIX TZ string) after the file's last transition.
    for zone, year in [("America/New_York", 2050), ("Europe/London", 2060),
                       ("Australia/Lord_Howe", 2045),
                       ("Australia/Sydney", 2090)]:
        for t in transitions(zone, year):
            for expr in ["*/15 * * * *", "30 2 * * *", "30 1 * * *",
                         "0 * * * *"]:
                case(expr, zone, iso_ms((t - 2 * 3600) * 1000), 5,
                     f"footer DST {local_str(t * 1000, zone)}")
    # Odder zones: negative DST, a 2-hour DST, +13:45, a skipped day.
    for zone, year in [("Europe/Dublin", 2026), ("Antarctica/Troll", 2026),
                       ("Pacific/Chatham", 2026), ("Pacific/Apia", 2011)]:
        for t in transitions(zone, year):
            for expr in ["*/30 * * * *", "0 2 * * *", "30 1 * * *",
                         "0 12 * * *"]:
                case(expr, zone, iso_ms((t - 2 * 3600) * 1000), 5,
                     f"DST {local_str(t * 1000, zone)}")
    # Gaps that do not start on the hour or are not an hour long: a skipped
    # time shifted forward can land after an existing time just after the
    # gap (Lord Howe 02:25 runs at 02:55, after 02:35).
    for zone, year, exprs in [
            ("Australia/Lord_Howe", 2026,
             ["25,35 2 * * *", "20,50 2 * * *", "*/7 2 * * *",
              "5,29,30,31 2 * * *"]),
            ("Pacific/Chatham", 2026,
             ["10,50 3 * * *", "*/20 2-4 * * *", "50 2,3 * * *"]),
            ("Antarctica/Troll", 2026,
             ["30 1,2 * * *", "0 1-4 * * *", "*/40 * * * *"])]:
        for t in transitions(zone, year):
            for expr in exprs:
                for frm in (t - 2 * 3600, t + 5 * 60, t + 25 * 60):
                    case(expr, zone, iso_ms(frm * 1000), 4,
                         f"odd gap {local_str(t * 1000, zone)}")
    # No DST at all.
    for zone in ["Asia/Tokyo", "Asia/Kathmandu"]:
        for expr in ["30 2 * * *", "*/15 * * * *", "0 0 * * *"]:
            case(expr, zone, "2026-03-08T06:00:00.000Z", 5, "no DST")
            case(expr, zone, "2026-11-01T05:30:00.000Z", 5, "no DST")


def random_field(rng, lo, hi, star_bias):
    """A random field over lo..hi: *, */k, a, a-b, a-b/k, a/k or a list."""
    if rng.random() < star_bias:
        return "*"
    kind = rng.randrange(6)
    a = rng.randint(lo, hi)
    b = rng.randint(a, hi)
    k = rng.randint(1, max(1, (hi - lo + 1) // 2))
    if kind == 0:
        return f"*/{k}"
    if kind == 1:
        return str(a)
    if kind == 2:
        return f"{a}-{b}"
    if kind == 3:
        return f"{a}-{b}/{k}"
    if kind == 4:
        return f"{a}/{k}"
    return ",".join(str(v) for v in
                    sorted(rng.sample(range(lo, hi + 1), rng.randint(2, 4))))


def cases_random():
    """Seeded random expressions started near DST changes, where the
    interesting orderings are; the minute and hour fields vary most."""
    import random
    rng = random.Random(20261101)
    changes = []
    for zone, year in [("America/New_York", 2026), ("Europe/London", 2026),
                       ("Australia/Lord_Howe", 2026),
                       ("Australia/Sydney", 2026), ("Pacific/Chatham", 2026),
                       ("Antarctica/Troll", 2026), ("Europe/Dublin", 2026),
                       ("Pacific/Apia", 2011), ("America/New_York", 2070)]:
        changes += [(zone, t) for t in transitions(zone, year)]
    for i in range(160):
        zone, t = changes[i % len(changes)]
        expr = " ".join([random_field(rng, 0, 59, 0.1),
                         random_field(rng, 0, 23, 0.3),
                         random_field(rng, 1, 31, 0.85),
                         random_field(rng, 1, 12, 0.9),
                         random_field(rng, 0, 7, 0.8)])
        frm = t * 1000 + rng.randint(-3 * 3600 * 1000, 2 * 3600 * 1000)
        case(expr, zone, iso_ms(frm), 4,
             f"random, near {local_str(t * 1000, zone)}")


def emit_cron_cases(out):
    out.append("#define CRON_CASE_RUNS %d\n" % MAX_RUNS)
    out.append("static const struct cron_case {\n"
               "\tconst char\t*expr;\n\tconst char\t*zone;\n"
               "\tconst char\t*from;\n\tint\t\t nruns;\t/* 0: never */\n"
               "\tconst char\t*runs[CRON_CASE_RUNS];\n"
               "} cron_cases[] = {\n")
    for expr, zone, frm, n, note in CASES:
        p = ref_parse(expr)
        runs = ref_next_n(p, zone, parse_iso(frm), max(n, 1))
        if n == 0:
            assert runs == [], (expr, runs)
        else:
            assert len(runs) == n, (expr, zone, frm, runs)
        if note:
            out.append(f"\t/* {note} */\n")
        out.append(f"\t{{ {c_str(expr)}, {c_str(zone)}, {c_str(frm)}, "
                   f"{n}, {{\n")
        for r in runs:
            out.append(f"\t    {c_str(iso_ms(r))},\t/* "
                       f"{local_str(r, zone)} */\n")
        out.append("\t} },\n")
    out.append("};\n\n")

# ---------------------------------------------------------------------------
# Parse cases: the bitsets of every expression above and some more, and
# expressions both parsers must refuse, with what the message must contain.


PARSE_OK_EXTRA = ["  0   0\t* * *  ", "0-59 0-23 1-31 1-12 0-7",
                  "*/1 * * * *", "0 0 * * 0-7/7", "00 09 01 01 00",
                  "59 23 31 12 7", "0 0 * * 6-7", "0 0 * * 5-7",
                  "0-4,8-12/2,30 * * * *", "0 0 * * */8", "0 0 */31 * *",
                  "*/60 */24 */31 */12 */8", "\t@hourly"]

PARSE_BAD = [
    ("", "empty expression"),
    ("   \t ", "empty expression"),
    ("* * * *", "expected 5 fields"),
    ("* * * * * *", "got 6"),
    ("1 2 3", "got 3"),
    ("* * * * * extra", "expected 5 fields"),
    ("60 * * * *", "minute: 60 is out of range 0-59"),
    ("* 24 * * *", "hour: 24 is out of range 0-23"),
    ("* * 0 * *", "day-of-month: 0 is out of range 1-31"),
    ("* * 32 * *", "day-of-month: 32 is out of range 1-31"),
    ("* * * 0 *", "month: 0 is out of range 1-12"),
    ("* * * 13 *", "month: 13 is out of range 1-12"),
    ("* * * * 8", "day-of-week: 8 is out of range 0-7"),
    ("0 0 * * 7-8", "day-of-week: 8 is out of range 0-7"),
    ("* * * JAN-13 *", "month: 13 is out of range 1-12"),
    ("99999999999 * * * *", "minute: 99999999999 is out of range"),
    ("*/0 * * * *", "minute: step 0 is out of range 1-60"),
    ("* */0 * * *", "hour: step 0 is out of range 1-24"),
    ("*/61 * * * *", "minute: step 61 is out of range 1-60"),
    ("* * */32 * *", "day-of-month: step 32 is out of range 1-31"),
    ("* * * */13 *", "month: step 13 is out of range 1-12"),
    ("* * * * */9", "day-of-week: step 9 is out of range 1-8"),
    ("*/99999999999 * * * *", "minute: step 99999999999 is out of range"),
    ("*/ * * * *", "minute: missing step"),
    ("1-5/ * * * *", "minute: missing step"),
    ("30-10 * * * *", "minute: range \"30-10\" is reversed"),
    ("* 23-1 * * *", "hour: range \"23-1\" is reversed"),
    ("* * * DEC-JAN *", "month: range \"DEC-JAN\" is reversed"),
    ("* * * * FRI-MON", "day-of-week: range \"FRI-MON\" is reversed"),
    ("* * * foo *", "month: \"foo\" is not a month name"),
    ("* * * January *", "month: \"January\" is not a month name"),
    ("* * * * funday", "day-of-week: \"funday\" is not a day name"),
    ("0 0 * * SUNDAY", "day-of-week: \"SUNDAY\" is not a day name"),
    ("* * * * MO", "day-of-week: \"MO\" is not a day name"),
    ("jan * * * *", "minute: \"jan\" is not a number"),
    ("* mon * * *", "hour: \"mon\" is not a number"),
    ("* * L * *", "day-of-month: \"L\" is not a number"),
    ("* * * * 1,,2", "day-of-week: empty item"),
    ("1, * * * *", "minute: empty item"),
    (",1 * * * *", "minute: empty item"),
    ("1-/5 * * * *", "minute: expected a number"),
    ("-1 * * * *", "minute: expected a number"),
    ("*-5 * * * *", "minute: unexpected '-'"),
    ("1-2-3 * * * *", "minute: unexpected '-'"),
    ("? * * * *", "minute: expected a number"),
    ("* * ? * *", "day-of-month: expected a number"),
    ("* * * * 5#3", "day-of-week: unexpected '#'"),
    ("* * 15W * *", "day-of-month: unexpected 'W'"),
    ("1.5 * * * *", "minute: unexpected '.'"),
    ("* 1x * * *", "hour: unexpected 'x'"),
    ("* * * * */2/3", "day-of-week: unexpected '/'"),
    ("* * * * 1\xc3\xa9", "day-of-week: unexpected byte 0xc3"),
    ("@reboot", "@reboot is not supported"),
    ("@REBOOT", "@reboot is not supported"),
    ("@every 5m", "unknown macro \"@every\""),
    ("@", "unknown macro"),
    ("@daily 5", "@daily takes no fields"),
    ("@hourly *", "@hourly takes no fields"),
    ("0 0 * * *\n", "control character"),
    ("0 0 * * *\r", "control character"),
    ("0 " * 200, "longer than 256"),
]


def field_of(msg):
    return msg.split(":")[0] if ":" in msg else None


def emit_parse_cases(out):
    exprs = []
    for expr, _, _, _, _ in CASES:
        if expr not in exprs:
            exprs.append(expr)
    exprs += PARSE_OK_EXTRA
    out.append("static const struct cron_parse_case {\n"
               "\tconst char\t*expr;\n\tuint64_t\t minute;\n"
               "\tuint32_t\t hour, dom;\n\tunsigned\t month, dow, flags;\n"
               "} cron_parse_cases[] = {\n")
    for expr in exprs:
        p = ref_parse(expr)
        flags = (1 if p["dom_star"] else 0) | (2 if p["dow_star"] else 0)
        out.append(f"\t{{ {c_str(expr)}, {mask(p['minute']):#x}ULL, "
                   f"{mask(p['hour']):#x}, {mask(p['dom']):#x}, "
                   f"{mask(p['month']):#x}, {mask(p['dow']):#x}, "
                   f"{flags} }},\n")
    out.append("};\n\n")
    out.append("static const struct cron_parse_bad {\n"
               "\tconst char\t*expr;\n\tconst char\t*msg;\t"
               "/* the error contains this */\n"
               "} cron_parse_bad[] = {\n")
    for expr, msg in PARSE_BAD:
        try:
            ref_parse(expr)
        except CronError as e:
            want = field_of(msg)
            assert want is None or field_of(str(e)) == want, (expr, e, msg)
        else:
            raise AssertionError(f"reference accepts {expr!r}")
        raw = expr.encode("latin-1")
        lit = "".join(chr(b) if 0x20 <= b < 0x7f and chr(b) not in "\"\\"
                      else "\\%03o" % b for b in raw)
        out.append(f"\t{{ \"{lit}\", {c_str(msg)} }},\n")
    out.append("};\n\n")

# ---------------------------------------------------------------------------
# Time zone cases: offsets at instants, and local times resolved.

TZ_ZONES = ["UTC", "Etc/UTC", "Asia/Tokyo", "Asia/Kathmandu",
            "America/New_York", "Europe/London", "Australia/Lord_Howe",
            "Australia/Sydney", "Europe/Dublin", "Antarctica/Troll",
            "Pacific/Chatham", "Pacific/Apia", "America/St_Johns",
            "America/Sao_Paulo", "Africa/Casablanca", "Pacific/Kiritimati",
            "Etc/GMT+5", "America/Nuuk"]
TZ_YEARS = [1850, 1900, 1950, 1975, 2000, 2011, 2026, 2037, 2038, 2050,
            2099]


def emit_tz_cases(out):
    offs = []
    resolves = []
    for zname in TZ_ZONES:
        z = ZoneInfo(zname)
        for year in TZ_YEARS:
            for mo in (1, 7):
                t = int(dt.datetime(year, mo, 15, 12, tzinfo=UTC).timestamp())
                offs.append((zname, t, z))
            for t in transitions(zname, year):
                offs.append((zname, t - 1, z))
                offs.append((zname, t, z))
                if year in (2011, 2026, 2050):
                    resolves.extend(resolve_cases(zname, t))
    out.append("static const struct tz_offset_case {\n"
               "\tconst char\t*zone;\n\tconst char\t*at;\n"
               "\tint\t\t off;\t/* seconds east of UTC */\n"
               "} tz_offset_cases[] = {\n")
    for zname, t, z in offs:
        off = int(dt.datetime.fromtimestamp(t, z).utcoffset().total_seconds())
        out.append(f"\t{{ {c_str(zname)}, "
                   f"{c_str(iso_ms(t * 1000)[:19] + 'Z')}, {off} }},\n")
    out.append("};\n\n")
    out.append("/* local: the local civil time, written as if it were UTC. */\n"
               "static const struct tz_resolve_case {\n"
               "\tconst char\t*zone;\n\tconst char\t*local;\n"
               "\tint\t\t n;\t/* 0 skipped, 1, 2 repeated */\n"
               "\tconst char\t*first;\t/* n 0: shifted by the gap */\n"
               "\tconst char\t*second;\n"
               "} tz_resolve_cases[] = {\n")
    seen = set()
    for zname, local in resolves:
        if (zname, local) in seen:
            continue
        seen.add((zname, local))
        n, first, second = ref_resolve(zname, local)
        out.append(f"\t{{ {c_str(zname)}, "
                   f"{c_str(local.strftime('%Y-%m-%dT%H:%M:%SZ'))}, {n}, "
                   f"{c_str(iso_ms(first * 1000)[:19] + 'Z')}, "
                   + (c_str(iso_ms(second * 1000)[:19] + "Z")
                      if second is not None else "NULL") + " },\n")
    out.append("};\n")


def resolve_cases(zname, t):
    """Local times around the change at t: every 15 min and the edges."""
    z = ZoneInfo(zname)
    before = dt.datetime.fromtimestamp(t - 1, z).utcoffset()
    after = dt.datetime.fromtimestamp(t, z).utcoffset()
    base = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=t)
    lo = base + min(before, after) - dt.timedelta(minutes=30)
    hi = base + max(before, after) + dt.timedelta(minutes=30)
    out = []
    x = lo
    while x <= hi:
        out.append((zname, x))
        x += dt.timedelta(minutes=15)
    for edge in (base + before, base + after):
        for d in (-1, 0, 1):
            out.append((zname, edge + dt.timedelta(seconds=d)))
    return out


def ref_resolve(zname, local):
    z = ZoneInfo(zname)
    a = int(local.replace(tzinfo=z, fold=0).timestamp())
    b = int(local.replace(tzinfo=z, fold=1).timestamp())

    def back(u):
        return dt.datetime.fromtimestamp(u, z).replace(tzinfo=None)
    valid = sorted({u for u in (a, b) if back(u) == local})
    if not valid:
        return 0, a, None
    if len(valid) == 1:
        return 1, valid[0], None
    return 2, valid[0], valid[1]

# ---------------------------------------------------------------------------
# Whole ranges: every run between two instants, counted and summed, to
# check long chains of next() (each DST change of the year included).

SPANS = [
    ("*/15 * * * *", "America/New_York", "2026-01-01T05:00:00.000Z",
     "2027-01-01T05:00:00.000Z"),
    ("*/10 * * * *", "Australia/Lord_Howe", "2026-01-01T00:00:00.000Z",
     "2027-01-01T00:00:00.000Z"),
    ("* * * * *", "Australia/Lord_Howe", "2026-04-01T00:00:00.000Z",
     "2026-04-08T00:00:00.000Z"),
    ("* * * * *", "Europe/London", "2026-10-24T00:00:00.000Z",
     "2026-10-27T00:00:00.000Z"),
    ("30 2 * * *", "Europe/London", "2026-01-01T00:00:00.000Z",
     "2027-01-01T00:00:00.000Z"),
    ("0 * * * *", "Australia/Sydney", "2026-01-01T00:00:00.000Z",
     "2027-01-01T00:00:00.000Z"),
    ("*/30 1-3 * * *", "Pacific/Chatham", "2026-01-01T00:00:00.000Z",
     "2027-01-01T00:00:00.000Z"),
    ("0 0 * * *", "Asia/Kathmandu", "2026-01-01T00:00:00.000Z",
     "2027-01-01T00:00:00.000Z"),
    ("*/5 * * * *", "America/New_York", "2050-01-01T00:00:00.000Z",
     "2051-01-01T00:00:00.000Z"),
    ("*/7 * * * *", "Australia/Lord_Howe", "2026-01-01T00:00:00.000Z",
     "2027-01-01T00:00:00.000Z"),
    ("10,50 * * * *", "Pacific/Chatham", "2026-01-01T00:00:00.000Z",
     "2027-01-01T00:00:00.000Z"),
    ("*/13 0-4 * * *", "Antarctica/Troll", "2026-01-01T00:00:00.000Z",
     "2027-01-01T00:00:00.000Z"),
]


def ref_span(p, zname, from_ms, to_ms):
    z = ZoneInfo(zname)
    day = dt.datetime.fromtimestamp(from_ms // 1000, z).date() \
        - dt.timedelta(days=2)
    last = dt.datetime.fromtimestamp(to_ms // 1000, z).date() \
        + dt.timedelta(days=2)
    found = set()
    while day <= last:
        if day_ok(p, day):
            for m in range(1440):
                h, mi = divmod(m, 60)
                if h in p["hour"] and mi in p["minute"]:
                    f = fire(z, day, h, mi) * 1000
                    if from_ms < f < to_ms:
                        found.add(f)
        day += dt.timedelta(days=1)
    return sorted(found)


def emit_spans(out):
    out.append("/* Runs r with from < r < to: count, sum of r / 60000. */\n"
               "static const struct cron_span {\n"
               "\tconst char\t*expr;\n\tconst char\t*zone;\n"
               "\tconst char\t*from, *to;\n\tint\t\t count;\n"
               "\tint64_t\t\t minutes;\n"
               "} cron_spans[] = {\n")
    for expr, zone, frm, to in SPANS:
        runs = ref_span(ref_parse(expr), zone, parse_iso(frm), parse_iso(to))
        out.append(f"\t{{ {c_str(expr)}, {c_str(zone)}, {c_str(frm)}, "
                   f"{c_str(to)}, {len(runs)}, "
                   f"{sum(r // 60000 for r in runs)}LL }},\n")
    out.append("};\n\n")

# ---------------------------------------------------------------------------
# Synthetic TZif files exercising the POSIX TZ string forms (Mm.w.d, Jn, n,
# negative and >24h rule times, <+0545> names, negative and all-year DST),
# read by zoneinfo (ZoneInfo.from_file) for the expected offsets; the C
# test writes the same bytes under a temporary $TZDIR.

SYNTH = [
    ("Test/US", "EST5EDT,M3.2.0,M11.1.0", []),
    ("Test/Julian", "AAA3BBB,J60/2,300/3", []),
    ("Test/Zero", "AAA3BBB,59/2,0/3", []),
    ("Test/Negtime", "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", []),
    ("Test/LordHowe", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", []),
    ("Test/NegDST", "IST-1GMT0,M10.5.0,M3.5.0/1", []),
    ("Test/AllDST", "EST5EDT,0/0,J365/25", []),
    ("Test/Fixed", "<+0545>-5:45", []),
    ("Test/Hours167", "XXX-2YYY-3:30:15,M4.5.6/167,M9.1.1/-167", []),
    ("Test/South", "ABC+4DEF+3,M1.1.0,M12.5.6/23:59:59", []),
    ("Test/Table", "CET-1CEST,M3.5.0,M10.5.0/3",
     [(-1500000000, 3600), (946684800, 7200), (962409600, 3600)]),
    ("Test/NoFooter", "", [(0, 3600), (1000000000, -7200)]),
]


def tzif_bytes(footer, trans, version=b"3"):
    """A TZif file: an empty v1 block, then the v2+ block and footer."""
    offs = [0]
    for _, off in trans:
        if off not in offs:
            offs.append(off)
    types = b"".join(struct.pack(">lBB", o, 0, 0) for o in offs)
    v1 = b"TZif" + version + b"\0" * 15 + struct.pack(">6l", 0, 0, 0, 0, 1, 1) \
        + struct.pack(">lBB", 0, 0, 0) + b"\0"
    hdr = b"TZif" + version + b"\0" * 15 + \
        struct.pack(">6l", 0, 0, 0, len(trans), len(offs), 4)
    body = b"".join(struct.pack(">q", t) for t, _ in trans) + \
        bytes(offs.index(o) for _, o in trans) + types + b"ZZZ\0"
    return v1 + hdr + body + b"\n" + footer.encode() + b"\n"


def synth_instants(z):
    out = []
    for year in (1969, 2026, 2028, 2100):
        for mo in range(1, 13):
            out.append(int(dt.datetime(year, mo, 15, 12,
                                       tzinfo=UTC).timestamp()))
    for year in (2026, 2028):
        start = int(dt.datetime(year, 1, 1, tzinfo=UTC).timestamp())
        for h in range(0, 366 * 24):
            a, b = start + h * 3600, start + h * 3600 + 3600
            oa = dt.datetime.fromtimestamp(a, z).utcoffset()
            if oa != dt.datetime.fromtimestamp(b, z).utcoffset():
                lo, hi = a, b
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if dt.datetime.fromtimestamp(mid, z).utcoffset() == oa:
                        lo = mid
                    else:
                        hi = mid
                out += [hi - 1, hi]
    return out


def oracle_footer(footer):
    """The footer zoneinfo must read to give POSIX's meaning of footer.

    CPython's zoneinfo (3.11 at least) reads the zero-based day form "n"
    one day early: its _DayOffset adds n to the day *before* 1 January,
    right for "Jn" (1-based) but not for "n", where POSIX and glibc put
    n = 0 on 1 January.  So the reference is zoneinfo given n + 1;
    check_glibc() confirms the result against glibc's own TZ parser.
    """
    def bump(m):
        return f"{m.group(1)}{int(m.group(2)) + 1}"
    return re.sub(r"([,])([0-9]+)(?=[/,]|$)", bump, footer)


def check_glibc(footer, z, instants):
    """Asserts glibc (date(1) with TZ=footer) agrees, to the minute, for
    instants from 1970 (glibc applies a bare TZ string's rules only from
    1970); skipped without GNU date."""
    import subprocess
    ts = [t for t in instants if t >= 0]
    try:
        r = subprocess.run(["date", "-f", "-", "+%z"], env={"TZ": footer},
                           input="".join(f"@{t}\n" for t in ts),
                           capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return
    for t, z_glibc in zip(ts, r.stdout.split()):
        want = dt.datetime.fromtimestamp(t, z).utcoffset().total_seconds()
        sign = -1 if z_glibc[0] == "-" else 1
        got = sign * (int(z_glibc[1:3]) * 3600 + int(z_glibc[3:5]) * 60)
        assert got == sign * (abs(int(want)) // 60 * 60), \
            (footer, t, got, want)


def emit_synth(out):
    out.append("static const struct tz_synth {\n"
               "\tconst char\t*name;\n\tconst char\t*data;\n"
               "\tsize_t\t\t len;\n} tz_synth[] = {\n")
    checks = []
    for name, footer, trans in SYNTH:
        data = tzif_bytes(footer, trans)
        lit = "".join("\\%03o" % b for b in data)
        out.append(f"\t/* footer \"{footer}\" */\n\t{{ {c_str(name)},\n")
        for i in range(0, len(lit), 64):
            out.append(f"\t    \"{lit[i:i + 64]}\"\n")
        out.append(f"\t    , {len(data)} }},\n")
        z = ZoneInfo.from_file(io.BytesIO(
            tzif_bytes(oracle_footer(footer), trans)), key=name)
        instants = synth_instants(z)
        if footer and not trans:
            check_glibc(footer, z, instants)
        for t in instants:
            off = dt.datetime.fromtimestamp(t, z).utcoffset().total_seconds()
            checks.append((name, t, int(off)))
    out.append("};\n\n")
    out.append("static const struct tz_synth_check {\n"
               "\tconst char\t*name;\n\tint64_t\t\t at;\n"
               "\tint\t\t off;\n} tz_synth_checks[] = {\n")
    for name, t, off in checks:
        out.append(f"\t{{ {c_str(name)}, {t}LL, {off} }},\n")
    out.append("};\n\n")

# ---------------------------------------------------------------------------


def main():
    cases_basic()
    cases_days()
    cases_steps()
    cases_names()
    cases_dst()
    cases_random()
    out = ["/*\n * Generated by t/unit/gen-cron-cases.py (Python %s, zoneinfo "
           "on the\n * system tz database%s): expected values computed "
           "independently of\n * lib/cronexpr.c and lib/tz.c.  Do not edit; "
           "regenerate with\n *   python3 t/unit/gen-cron-cases.py > "
           "t/unit/cron-cases.h\n */\n"
           % (sys.version.split()[0], tzdata_version()),
           "#ifndef CRON_CASES_H\n#define CRON_CASES_H\n\n"
           "#include <stddef.h>\n#include <stdint.h>\n\n"]
    out.append("/* test-cronexpr.c */\n#ifdef CRON_CASES_CRON\n\n")
    emit_cron_cases(out)
    emit_spans(out)
    emit_parse_cases(out)
    out.append("#endif /* CRON_CASES_CRON */\n\n"
               "/* test-tz.c */\n#ifdef CRON_CASES_TZ\n\n")
    emit_synth(out)
    emit_tz_cases(out)
    out.append("\n#endif /* CRON_CASES_TZ */\n")
    out.append("\n#endif\n")
    sys.stdout.write("".join(out))


def tzdata_version():
    try:
        with open("/usr/share/zoneinfo/tzdata.zi") as f:
            line = f.readline()
        return " " + line.split()[-1] if line.startswith("# version") else ""
    except OSError:
        return ""


if __name__ == "__main__":
    main()

/*
 * Unit tests for lib/jsonutil.c: the UTF-8 validator, bounded strict
 * parsing, the typed getters and compact serialisation.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Lengths are explicit so that NUL bytes can be part of a case. */
#define T(s)		s, sizeof(s) - 1

static const struct {
	const char	*s;
	size_t		 len;
	int		 want;
	const char	*what;
} utf8_cases[] = {
	{ T(""), 1, "empty" },
	{ T("plain ASCII {}[]\"\\"), 1, "ASCII" },
	{ T("\x7f"), 1, "DEL, the last 1-byte code" },
	{ T("a\0b"), 1, "NUL is ASCII" },
	{ T("\xc2\x80"), 1, "U+0080, the first 2-byte code" },
	{ T("caf\xc3\xa9"), 1, "2-byte e-acute" },
	{ T("\xdf\xbf"), 1, "U+07FF, the last 2-byte code" },
	{ T("\xe0\xa0\x80"), 1, "U+0800, the first 3-byte code" },
	{ T("\xe2\x82\xac"), 1, "3-byte euro sign" },
	{ T("\xed\x9f\xbf"), 1, "U+D7FF, just below the surrogates" },
	{ T("\xee\x80\x80"), 1, "U+E000, just above the surrogates" },
	{ T("\xef\xbf\xbf"), 1, "U+FFFF" },
	{ T("\xf0\x90\x80\x80"), 1, "U+10000, the first 4-byte code" },
	{ T("\xf0\x9f\x98\x80"), 1, "4-byte emoji" },
	{ T("\xf4\x8f\xbf\xbf"), 1, "U+10FFFF, the last code point" },
	{ T("\xc0\xaf"), 0, "overlong '/' C0 AF" },
	{ T("\xc1\xbf"), 0, "overlong C1 BF" },
	{ T("\xe0\x80\xaf"), 0, "overlong 3-byte '/'" },
	{ T("\xe0\x9f\xbf"), 0, "overlong 3-byte U+07FF" },
	{ T("\xf0\x80\x80\xaf"), 0, "overlong 4-byte '/'" },
	{ T("\xf0\x8f\xbf\xbf"), 0, "overlong 4-byte U+FFFF" },
	{ T("\xed\xa0\x80"), 0, "surrogate U+D800 ED A0 80" },
	{ T("\xed\xbf\xbf"), 0, "surrogate U+DFFF" },
	{ T("\xed\xa0\xbd\xed\xb8\x80"), 0, "CESU-8 surrogate pair" },
	{ T("\xf4\x90\x80\x80"), 0, "U+110000 F4 90 80 80" },
	{ T("\xf5\x80\x80\x80"), 0, "lead byte F5" },
	{ T("\xf8\x88\x80\x80\x80"), 0, "5-byte form" },
	{ T("\xc3"), 0, "truncated 2-byte" },
	{ T("\xe2\x82"), 0, "truncated 3-byte" },
	{ T("\xf0\x9f\x98"), 0, "truncated 4-byte" },
	{ T("ab\xe2\x82"), 0, "truncated at the end" },
	{ T("\xe2\x82" "a"), 0, "3-byte cut by ASCII" },
	{ T("\xc3" "a"), 0, "2-byte cut by ASCII" },
	{ T("\x80"), 0, "lone continuation byte" },
	{ T("a\xbf" "b"), 0, "continuation byte inside ASCII" },
	{ T("\xc3\xa9\xa9"), 0, "extra continuation byte" },
	{ T("\xff"), 0, "0xFF" },
	{ T("\xfe"), 0, "0xFE" },
};

/* Copies n bytes of s into buf with unprintable bytes as '?', for names. */
static const char *
vis(const char *s, size_t n, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

static void
test_utf8(void)
{
	size_t	i;

	for (i = 0; i < NELEM(utf8_cases); i++)
		is_int(cron_utf8_valid(utf8_cases[i].s, utf8_cases[i].len),
		    utf8_cases[i].want, "utf8_valid: %s", utf8_cases[i].what);
	/* The length, not a NUL, bounds the check. */
	is_int(cron_utf8_valid("ok\xff", 2), 1, "utf8_valid reads only n bytes");
	is_int(cron_utf8_valid("\xc3\xa9", 1), 0, "utf8_valid: cut by n");
}

/* Expected output: Python's bytes.decode("utf-8", "replace"). */
#define FFFD	"\xef\xbf\xbd"
static const struct {
	const char	*s;
	size_t		 len;
	const char	*want;
	size_t		 wantlen;
	const char	*what;
} repair_cases[] = {
	{ T(""), T(""), "empty" },
	{ T("plain"), T("plain"), "ASCII unchanged" },
	{ T("caf\xc3\xa9 \xf0\x9f\x98\x80"), T("caf\xc3\xa9 \xf0\x9f\x98\x80"),
	  "valid multi-byte unchanged" },
	{ T("a\0b\x80"), T("a\0b" FFFD), "NUL kept, lone continuation" },
	{ T("ok\xff"), T("ok" FFFD), "FF" },
	{ T("\xff\xfe"), T(FFFD FFFD), "one U+FFFD per bad byte" },
	{ T("\xc3"), T(FFFD), "truncated 2-byte" },
	{ T("a\xe2\x82"), T("a" FFFD), "truncated 3-byte: one U+FFFD" },
	{ T("\xe2\x82" "a"), T(FFFD "a"), "3-byte cut by ASCII" },
	{ T("\xf0\x9f\x98"), T(FFFD), "truncated 4-byte: one U+FFFD" },
	{ T("\xe0\x80\xaf"), T(FFFD FFFD FFFD), "overlong 3-byte" },
	{ T("\xc0\xaf"), T(FFFD FFFD), "overlong 2-byte" },
	{ T("\xed\xa0\x80"), T(FFFD FFFD FFFD), "surrogate" },
	{ T("\xf4\x90\x80\x80"), T(FFFD FFFD FFFD FFFD), "past U+10FFFF" },
	{ T("\xf5"), T(FFFD), "lead byte F5" },
	{ T("\xc3\xa9\xa9"), T("\xc3\xa9" FFFD), "extra continuation" },
	{ T("\xe1\x80\xe2\x82\xac"), T(FFFD "\xe2\x82\xac"),
	  "a cut sequence, then a good one" },
};

static void
test_utf8_repair(void)
{
	char	*r;
	size_t	 i, n;

	for (i = 0; i < NELEM(repair_cases); i++) {
		r = cron_utf8_repair(repair_cases[i].s, repair_cases[i].len, &n);
		ok(n == repair_cases[i].wantlen &&
		    memcmp(r, repair_cases[i].want, n) == 0 && r[n] == '\0' &&
		    cron_utf8_valid(r, n), "utf8_repair: %s",
		    repair_cases[i].what);
		free(r);
	}
}

static const struct {
	const char		*s;
	size_t			 len;
	enum cron_json_err	 want;
	enum json_type		 type;
	const char		*text;	/* compact re-serialisation */
} parse_cases[] = {
	{ T("{}"), CRON_JSON_OK, json_type_object, "{}" },
	{ T("[]"), CRON_JSON_OK, json_type_array, "[]" },
	{ T("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}"),
	  CRON_JSON_OK, json_type_object,
	  "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}" },
	{ T(" { \"a\" : 1 } "), CRON_JSON_OK, json_type_object, "{\"a\":1}" },
	{ T("{\"a\":1}\n"), CRON_JSON_OK, json_type_object, "{\"a\":1}" },
	{ T("\t\r\n[1, 2]\r\n"), CRON_JSON_OK, json_type_array, "[1,2]" },
	{ T("[1,\"x\",2.5,-3]"), CRON_JSON_OK, json_type_array,
	  "[1,\"x\",2.5,-3]" },
	{ T("\"str\""), CRON_JSON_OK, json_type_string, "\"str\"" },
	{ T("\"caf\xc3\xa9\""), CRON_JSON_OK, json_type_string,
	  "\"caf\xc3\xa9\"" },
	{ T("\"\\u00e9\""), CRON_JSON_OK, json_type_string, "\"\xc3\xa9\"" },
	{ T("123"), CRON_JSON_OK, json_type_int, "123" },
	{ T("-7"), CRON_JSON_OK, json_type_int, "-7" },
	{ T("0"), CRON_JSON_OK, json_type_int, "0" },
	{ T("1.5"), CRON_JSON_OK, json_type_double, "1.5" },
	{ T("123 "), CRON_JSON_OK, json_type_int, "123" },
	{ T("true"), CRON_JSON_OK, json_type_boolean, "true" },
	{ T("false"), CRON_JSON_OK, json_type_boolean, "false" },
	{ T("null"), CRON_JSON_OK, json_type_null, NULL },
	{ T(""), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T(" "), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("[1,2"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{\"a\":}"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{\"a\":1,}"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("[1,]"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{a:1}"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("['a']"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{\"a\":'b'}"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("[\"\\q\"]"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("[\"\\u12\"]"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("[+1]"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("[.1]"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("[0x10]"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("[True]"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("[01]"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("nul"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("tru"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("-"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("\"abc"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{} {}"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{}x"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("[1] ]"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("1 2"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("truex"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{\"a\":1}/* c */"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("\0"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{\"a\":1}\0"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{\"a\":\"x\0y\"}"), CRON_JSON_SYNTAX, json_type_null, NULL },
	{ T("{\"a\":\"\xff\"}"), CRON_JSON_UTF8, json_type_null, NULL },
	{ T("{\"a\":\"\xc0\xaf\"}"), CRON_JSON_UTF8, json_type_null, NULL },
	{ T("{\"a\":\"\xed\xa0\x80\"}"), CRON_JSON_UTF8, json_type_null, NULL },
	{ T("{\"a\":\"\xf4\x90\x80\x80\"}"), CRON_JSON_UTF8, json_type_null,
	  NULL },
	{ T("{\"\xe2\x82\":1}"), CRON_JSON_UTF8, json_type_null, NULL },
};

static void
test_parse(void)
{
	struct json_object	*o;
	enum cron_json_err	 rc;
	const char		*text;
	char			 name[24];
	size_t			 i, len;

	for (i = 0; i < NELEM(parse_cases); i++) {
		o = (struct json_object *)&o;	/* must be overwritten */
		rc = cron_json_parse(parse_cases[i].s, parse_cases[i].len, 16,
		    &o);
		is_int(rc, parse_cases[i].want, "parse case %zu (%s)", i,
		    vis(parse_cases[i].s, parse_cases[i].len, name,
		    sizeof(name)));
		if (rc != CRON_JSON_OK) {
			ok(o == NULL, "parse case %zu: NULL on error", i);
			continue;
		}
		ok(json_object_get_type(o) == parse_cases[i].type,
		    "parse case %zu: type %s", i,
		    json_type_to_name(parse_cases[i].type));
		if (parse_cases[i].text != NULL) {
			text = cron_json_text(o, &len);
			is_str(text, parse_cases[i].text, "parse case %zu: "
			    "text", i);
			is_int(len, strlen(parse_cases[i].text), "parse case "
			    "%zu: text length", i);
		}
		json_object_put(o);
	}
}

/*
 * Strict RFC 8259 recognition.  Every case is run through cron_json_check
 * and cron_json_parse, which must agree: json-c alone accepts several of
 * the rejects (NaN, "1.", "-01", single quotes, raw control characters).
 */
static const struct {
	const char		*s;
	size_t			 len;
	enum cron_json_err	 want;
	const char		*what;
} check_cases[] = {
	/* Not numbers at all, though json-c reads them as doubles. */
	{ T("NaN"), CRON_JSON_SYNTAX, "NaN" },
	{ T("[NaN]"), CRON_JSON_SYNTAX, "NaN in an array" },
	{ T("nan"), CRON_JSON_SYNTAX, "lower-case nan" },
	{ T("-NaN"), CRON_JSON_SYNTAX, "-NaN" },
	{ T("Infinity"), CRON_JSON_SYNTAX, "Infinity" },
	{ T("-Infinity"), CRON_JSON_SYNTAX, "-Infinity" },
	{ T("{\"a\":-Infinity}"), CRON_JSON_SYNTAX, "-Infinity as a member" },
	{ T("[infinity]"), CRON_JSON_SYNTAX, "lower-case infinity" },
	{ T("-inf"), CRON_JSON_SYNTAX, "-inf" },
	/* Number grammar. */
	{ T("1."), CRON_JSON_SYNTAX, "no digit after the point" },
	{ T("[1.]"), CRON_JSON_SYNTAX, "1. in an array" },
	{ T("1.e5"), CRON_JSON_SYNTAX, "1.e5" },
	{ T("-01"), CRON_JSON_SYNTAX, "-01" },
	{ T("01"), CRON_JSON_SYNTAX, "01" },
	{ T("00"), CRON_JSON_SYNTAX, "00" },
	{ T("-00"), CRON_JSON_SYNTAX, "-00" },
	{ T("00.5"), CRON_JSON_SYNTAX, "00.5" },
	{ T("+1"), CRON_JSON_SYNTAX, "leading plus" },
	{ T(".5"), CRON_JSON_SYNTAX, "leading point" },
	{ T("-.5"), CRON_JSON_SYNTAX, "minus then point" },
	{ T("-"), CRON_JSON_SYNTAX, "minus alone" },
	{ T("--1"), CRON_JSON_SYNTAX, "two minus signs" },
	{ T("-+1"), CRON_JSON_SYNTAX, "minus plus" },
	{ T("1e"), CRON_JSON_SYNTAX, "exponent without digits" },
	{ T("1e+"), CRON_JSON_SYNTAX, "signed exponent without digits" },
	{ T("1E-"), CRON_JSON_SYNTAX, "1E-" },
	{ T("1e5.5"), CRON_JSON_SYNTAX, "fractional exponent" },
	{ T("1.5.5"), CRON_JSON_SYNTAX, "two points" },
	{ T("1ee5"), CRON_JSON_SYNTAX, "two e" },
	{ T("0x10"), CRON_JSON_SYNTAX, "hex" },
	{ T("1_000"), CRON_JSON_SYNTAX, "digit separator" },
	{ T("- 1"), CRON_JSON_SYNTAX, "space after minus" },
	{ T("-0"), CRON_JSON_OK, "-0" },
	{ T("-0.0"), CRON_JSON_OK, "-0.0" },
	{ T("0.0e-0"), CRON_JSON_OK, "0.0e-0" },
	{ T("1E+2"), CRON_JSON_OK, "1E+2" },
	{ T("1e+2"), CRON_JSON_OK, "1e+2" },
	{ T("1E2"), CRON_JSON_OK, "1E2" },
	{ T("-1.25e-3"), CRON_JSON_OK, "-1.25e-3" },
	{ T("0.000001"), CRON_JSON_OK, "0.000001" },
	{ T("1e999"), CRON_JSON_OK, "exponent past double range" },
	{ T("-1e-999"), CRON_JSON_OK, "tiny exponent" },
	{ T("1e0000000000000000000001"), CRON_JSON_OK, "long exponent" },
	{ T("1.7976931348623157e308"), CRON_JSON_OK, "DBL_MAX" },
	{ T("123456789012345678901234567890"), CRON_JSON_OK,
	  "integer past int64" },
	{ T("-9223372036854775809"), CRON_JSON_OK, "one below INT64_MIN" },
	{ T("[-0,0,0.5,10,1e1]"), CRON_JSON_OK, "numbers in an array" },
	/* Quotes and strings. */
	{ T("{'a':1}"), CRON_JSON_SYNTAX, "single-quoted key" },
	{ T("['a']"), CRON_JSON_SYNTAX, "single-quoted string" },
	{ T("'a'"), CRON_JSON_SYNTAX, "single-quoted top level" },
	{ T("\"a\x01" "b\""), CRON_JSON_SYNTAX, "raw U+0001" },
	{ T("\"\t\""), CRON_JSON_SYNTAX, "raw tab" },
	{ T("\"a\nb\""), CRON_JSON_SYNTAX, "raw newline" },
	{ T("\"\r\""), CRON_JSON_SYNTAX, "raw CR" },
	{ T("\"\x1f\""), CRON_JSON_SYNTAX, "raw U+001F" },
	{ T("\"\0\""), CRON_JSON_SYNTAX, "raw NUL" },
	{ T("{\"a\x02\":1}"), CRON_JSON_SYNTAX, "raw U+0002 in a key" },
	{ T("\"\x7f\""), CRON_JSON_OK, "raw DEL is legal" },
	{ T("\" \""), CRON_JSON_OK, "space is legal" },
	{ T("\"\""), CRON_JSON_OK, "empty string" },
	{ T("\"caf\xc3\xa9 \xf0\x9f\x98\x80\""), CRON_JSON_OK, "UTF-8 text" },
	{ T("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\uabcd \\uABCD\""),
	  CRON_JSON_OK, "every legal escape" },
	{ T("\"\\uD83D\\uDE00\""), CRON_JSON_OK, "surrogate pair escape" },
	{ T("\"\\u0000\""), CRON_JSON_SYNTAX, "escaped NUL is refused (policy)" },
	{ T("\"\\ud800\""), CRON_JSON_OK, "lone high surrogate escape" },
	{ T("\"\\udc00x\""), CRON_JSON_OK, "lone low surrogate escape" },
	{ T("\"\\x41\""), CRON_JSON_SYNTAX, "hex escape" },
	{ T("\"\\q\""), CRON_JSON_SYNTAX, "unknown escape" },
	{ T("\"\\'\""), CRON_JSON_SYNTAX, "escaped single quote" },
	{ T("\"\\0\""), CRON_JSON_SYNTAX, "octal escape" },
	{ T("\"\\U0041\""), CRON_JSON_SYNTAX, "upper-case U escape" },
	{ T("\"\\u12\""), CRON_JSON_SYNTAX, "two-digit u escape" },
	{ T("\"\\u123\""), CRON_JSON_SYNTAX, "three-digit u escape" },
	{ T("\"\\u12G4\""), CRON_JSON_SYNTAX, "non-hex in u escape" },
	{ T("\"a\\u0000b\""), CRON_JSON_SYNTAX, "U+0000 escape in a value (policy)" },
	{ T("{\"a\\u0000\":1}"), CRON_JSON_SYNTAX, "U+0000 escape in a name (policy)" },
	{ T("\"\\u0001\\u00000\""), CRON_JSON_SYNTAX, "U+0000 after another escape" },
	{ T("\"\\u0001\""), CRON_JSON_OK, "U+0001 escape is fine" },
	{ T("\"\\u\""), CRON_JSON_SYNTAX, "empty u escape" },
	{ T("\"\\\0\""), CRON_JSON_SYNTAX, "escaped raw NUL" },
	{ T("\"\\\""), CRON_JSON_SYNTAX, "escaped closing quote" },
	{ T("\"\\"), CRON_JSON_SYNTAX, "backslash at the end" },
	/* Literals. */
	{ T("true"), CRON_JSON_OK, "true" },
	{ T("false"), CRON_JSON_OK, "false" },
	{ T("null"), CRON_JSON_OK, "null" },
	{ T("[true,false,null]"), CRON_JSON_OK, "literals in an array" },
	{ T("True"), CRON_JSON_SYNTAX, "True" },
	{ T("NULL"), CRON_JSON_SYNTAX, "NULL" },
	{ T("fals"), CRON_JSON_SYNTAX, "fals" },
	{ T("t"), CRON_JSON_SYNTAX, "t" },
	{ T("nulll"), CRON_JSON_SYNTAX, "nulll" },
	{ T("truefalse"), CRON_JSON_SYNTAX, "two literals run together" },
	{ T("null1"), CRON_JSON_SYNTAX, "literal then number" },
	{ T("undefined"), CRON_JSON_SYNTAX, "undefined" },
	/* Comments. */
	{ T("/* c */ 1"), CRON_JSON_SYNTAX, "leading block comment" },
	{ T("1 // c"), CRON_JSON_SYNTAX, "trailing line comment" },
	{ T("[1 /* c */]"), CRON_JSON_SYNTAX, "comment in an array" },
	{ T("{\"a\"://c\n1}"), CRON_JSON_SYNTAX, "comment before a value" },
	{ T("# c\n1"), CRON_JSON_SYNTAX, "shell comment" },
	/* Whitespace is space, tab, CR and LF only. */
	{ T(" \t\r\n1 \t\r\n"), CRON_JSON_OK, "all four whitespace bytes" },
	{ T("[ 1 , 2 ]"), CRON_JSON_OK, "spaces around commas" },
	{ T("{ \"a\" : 1 , \"b\" : [ ] }"), CRON_JSON_OK, "spaced object" },
	{ T("\f1"), CRON_JSON_SYNTAX, "form feed" },
	{ T("\v1"), CRON_JSON_SYNTAX, "vertical tab" },
	{ T("\xc2\xa0" "1"), CRON_JSON_SYNTAX, "no-break space" },
	{ T("\xef\xbb\xbf{}"), CRON_JSON_SYNTAX, "UTF-8 BOM" },
	{ T("{}\xef\xbb\xbf"), CRON_JSON_SYNTAX, "trailing BOM" },
	{ T("\0" "1"), CRON_JSON_SYNTAX, "NUL before the value" },
	{ T("1\0"), CRON_JSON_SYNTAX, "NUL after the value" },
	/* Containers. */
	{ T("[]"), CRON_JSON_OK, "empty array" },
	{ T("{}"), CRON_JSON_OK, "empty object" },
	{ T("[ ]"), CRON_JSON_OK, "spaced empty array" },
	{ T("{\n}"), CRON_JSON_OK, "spaced empty object" },
	{ T("[[],{},[{}]]"), CRON_JSON_OK, "empty containers in an array" },
	{ T("{\"\":{}}"), CRON_JSON_OK, "empty key" },
	{ T("{\"a\":1,\"a\":2}"), CRON_JSON_OK, "duplicate keys" },
	{ T("[1,]"), CRON_JSON_SYNTAX, "trailing comma in an array" },
	{ T("{\"a\":1,}"), CRON_JSON_SYNTAX, "trailing comma in an object" },
	{ T("[,1]"), CRON_JSON_SYNTAX, "leading comma" },
	{ T("[,]"), CRON_JSON_SYNTAX, "comma alone" },
	{ T("{,}"), CRON_JSON_SYNTAX, "comma alone in an object" },
	{ T("[1,,2]"), CRON_JSON_SYNTAX, "two commas" },
	{ T("[1 2]"), CRON_JSON_SYNTAX, "missing comma" },
	{ T("{\"a\":1 \"b\":2}"), CRON_JSON_SYNTAX, "missing member comma" },
	{ T("{\"a\" 1}"), CRON_JSON_SYNTAX, "missing colon" },
	{ T("{\"a\"}"), CRON_JSON_SYNTAX, "key without value" },
	{ T("{\"a\":}"), CRON_JSON_SYNTAX, "colon without value" },
	{ T("{\"a\"::1}"), CRON_JSON_SYNTAX, "two colons" },
	{ T("{1:2}"), CRON_JSON_SYNTAX, "number key" },
	{ T("{null:2}"), CRON_JSON_SYNTAX, "literal key" },
	{ T("{a:1}"), CRON_JSON_SYNTAX, "bare key" },
	{ T("[\"a\":1]"), CRON_JSON_SYNTAX, "member in an array" },
	{ T("[}"), CRON_JSON_SYNTAX, "array closed as an object" },
	{ T("{]"), CRON_JSON_SYNTAX, "object closed as an array" },
	{ T("[1}"), CRON_JSON_SYNTAX, "mismatched close after a value" },
	{ T("{\"a\":[}"), CRON_JSON_SYNTAX, "inner mismatch" },
	{ T("]"), CRON_JSON_SYNTAX, "close alone" },
	/* Exactly one top-level value. */
	{ T(""), CRON_JSON_SYNTAX, "empty" },
	{ T(" \r\n"), CRON_JSON_SYNTAX, "whitespace only" },
	{ T("1 2"), CRON_JSON_SYNTAX, "two numbers" },
	{ T("{}{}"), CRON_JSON_SYNTAX, "two objects" },
	{ T("[],"), CRON_JSON_SYNTAX, "comma after the value" },
	{ T("\"a\"\"b\""), CRON_JSON_SYNTAX, "two strings" },
	{ T("[]]"), CRON_JSON_SYNTAX, "extra close" },
	{ T("\"a\""), CRON_JSON_OK, "top-level string" },
	{ T("7"), CRON_JSON_OK, "top-level number" },
	{ T(" 7 "), CRON_JSON_OK, "top-level number with spaces" },
};

/* A document whose every proper prefix is incomplete. */
static const char	 prefix_doc[] = "{\"a\":[1,-2.5e+3,\"x\\u00e9\\n\","
    "true,false,null,{},[]], \"b\" : {\"c\":\"d\"}}";

static void
test_check(void)
{
	struct json_object	*o;
	char			 name[24];
	size_t			 i, n;
	int			 bad;

	for (i = 0; i < NELEM(check_cases); i++) {
		is_int(cron_json_check(check_cases[i].s, check_cases[i].len,
		    16), check_cases[i].want, "check: %s (%s)",
		    check_cases[i].what, vis(check_cases[i].s,
		    check_cases[i].len, name, sizeof(name)));
		is_int(cron_json_parse(check_cases[i].s, check_cases[i].len,
		    16, &o), check_cases[i].want, "parse agrees: %s",
		    check_cases[i].what);
		json_object_put(o);
	}

	n = sizeof(prefix_doc) - 1;
	is_int(cron_json_check(prefix_doc, n, 16), CRON_JSON_OK,
	    "check: the prefix document");
	for (i = 0, bad = 0; i < n; i++)
		if (cron_json_check(prefix_doc, i, 16) != CRON_JSON_SYNTAX) {
			printf("# prefix of %zu bytes accepted\n", i);
			bad++;
		}
	is_int(bad, 0, "check: all %zu proper prefixes are rejected", n);
	for (i = 0, bad = 0; i < n; i++) {
		if (cron_json_parse(prefix_doc, i, 16, &o) != CRON_JSON_SYNTAX)
			bad++;
		json_object_put(o);
	}
	is_int(bad, 0, "parse: all %zu proper prefixes are rejected", n);
}

/* Writes n nested arrays around a 1 (scalar) or nothing into buf. */
static size_t
nest(char *buf, int n, int scalar)
{
	size_t	len = 0;
	int	i;

	for (i = 0; i < n; i++)
		buf[len++] = '[';
	if (scalar)
		buf[len++] = '1';
	for (i = 0; i < n; i++)
		buf[len++] = ']';
	buf[len] = '\0';
	return len;
}

/*
 * Mixed nesting, pinned against json-c's own depth counting before the
 * recognizer existed: a value (of any type) may sit inside at most
 * depth - 1 containers; member names do not count.
 */
static const struct {
	const char		*s;
	int			 depth;
	enum cron_json_err	 want;
} depth_cases[] = {
	{ "1", 1, CRON_JSON_OK },
	{ "[]", 1, CRON_JSON_OK },
	{ "{}", 1, CRON_JSON_OK },
	{ "[1]", 1, CRON_JSON_DEPTH },
	{ "{\"a\":1}", 1, CRON_JSON_DEPTH },
	{ "{\"a\":{}}", 2, CRON_JSON_OK },
	{ "{\"a\":[]}", 2, CRON_JSON_OK },
	{ "{\"a\":{\"b\":1}}", 2, CRON_JSON_DEPTH },
	{ "[{\"a\":[1]}]", 3, CRON_JSON_DEPTH },
	{ "[{\"a\":[1]}]", 4, CRON_JSON_OK },
	{ "[[1],[[]]]", 3, CRON_JSON_OK },
	{ "[[1],[[1]]]", 3, CRON_JSON_DEPTH },
	{ "[[1],[[ ]]]", 3, CRON_JSON_OK },
	{ "[[[x", 2, CRON_JSON_DEPTH },		/* the first problem wins */
	{ "[x,[[1]]]", 2, CRON_JSON_SYNTAX },
	{ "[1,[2,[3]]]", 3, CRON_JSON_DEPTH },
	{ "[1,[2,[3]]] ]", 4, CRON_JSON_SYNTAX },
};

/*
 * The bound also keeps the recognizer cheap: a megabyte of '[' stops at
 * the bound, and a long flat array is fine.
 */
static void
test_depth_big(void)
{
	struct json_object	*o;
	char			*buf;
	size_t			 i, n = 1 << 20;

	buf = malloc(n);
	if (!ok(buf != NULL, "malloc"))
		return;
	memset(buf, '[', n);
	is_int(cron_json_check(buf, n, 64), CRON_JSON_DEPTH,
	    "check: 1 MiB of [ is too deep");
	is_int(cron_json_parse(buf, n, 64, &o), CRON_JSON_DEPTH,
	    "parse: 1 MiB of [ is too deep");
	buf[0] = '[';
	for (i = 1; i + 1 < n; i += 2) {
		buf[i] = '0';
		buf[i + 1] = ',';
	}
	buf[n - 2] = ' ';
	buf[n - 1] = ']';
	is_int(cron_json_check(buf, n, 2), CRON_JSON_OK,
	    "check: a flat array of half a million zeros");
	buf[n - 2] = ',';
	is_int(cron_json_check(buf, n, 2), CRON_JSON_SYNTAX,
	    "check: the same with a trailing comma");
	free(buf);
}

static const int depths[] = { 2, 3, 8, 16, 64 };

/*
 * The bound counts nested values: at depth d, d - 1 arrays around a
 * scalar (d values deep) parse, d arrays around a scalar do not.
 */
static void
test_depth(void)
{
	struct json_object	*o;
	char			 buf[2 * 70 + 2], obj[128];
	size_t			 i, len;
	int			 d;

	for (i = 0; i < NELEM(depths); i++) {
		d = depths[i];
		len = nest(buf, d - 1, 1);
		is_int(cron_json_check(buf, len, d), CRON_JSON_OK,
		    "check depth %d: %d arrays around a scalar", d, d - 1);
		is_int(cron_json_parse(buf, len, d, &o), CRON_JSON_OK,
		    "depth %d: %d arrays around a scalar parse", d, d - 1);
		json_object_put(o);
		len = nest(buf, d, 1);
		is_int(cron_json_check(buf, len, d), CRON_JSON_DEPTH,
		    "check depth %d: %d arrays around a scalar", d, d);
		is_int(cron_json_parse(buf, len, d, &o), CRON_JSON_DEPTH,
		    "depth %d: %d arrays around a scalar are too deep", d, d);
		ok(o == NULL, "depth %d: NULL on error", d);
		len = nest(buf, d, 0);
		is_int(cron_json_check(buf, len, d), CRON_JSON_OK,
		    "check depth %d: %d empty arrays", d, d);
		is_int(cron_json_parse(buf, len, d, &o), CRON_JSON_OK,
		    "depth %d: %d empty arrays parse", d, d);
		json_object_put(o);
		len = nest(buf, d + 1, 0);
		is_int(cron_json_check(buf, len, d), CRON_JSON_DEPTH,
		    "check depth %d: %d empty arrays", d, d + 1);
		is_int(cron_json_parse(buf, len, d, &o), CRON_JSON_DEPTH,
		    "depth %d: %d empty arrays are too deep", d, d + 1);
	}

	/* Objects count like arrays; the smallest bound allows a flat object. */
	snprintf(obj, sizeof(obj), "{\"a\":1,\"b\":\"c\"}");
	is_int(cron_json_parse(obj, strlen(obj), 2, &o), CRON_JSON_OK,
	    "depth 2: a flat object parses");
	json_object_put(o);
	snprintf(obj, sizeof(obj), "{\"a\":{\"b\":1}}");
	is_int(cron_json_parse(obj, strlen(obj), 2, &o), CRON_JSON_DEPTH,
	    "depth 2: an object in an object is too deep");
	is_int(cron_json_parse(obj, strlen(obj), 3, &o), CRON_JSON_OK,
	    "depth 3: an object in an object parses");
	json_object_put(o);

	for (i = 0; i < NELEM(depth_cases); i++) {
		len = strlen(depth_cases[i].s);
		is_int(cron_json_check(depth_cases[i].s, len,
		    depth_cases[i].depth), depth_cases[i].want,
		    "check depth %d: %s", depth_cases[i].depth,
		    depth_cases[i].s);
		is_int(cron_json_parse(depth_cases[i].s, len,
		    depth_cases[i].depth, &o), depth_cases[i].want,
		    "parse depth %d: %s", depth_cases[i].depth,
		    depth_cases[i].s);
		json_object_put(o);
	}
	/* No bound below 1 admits a value, so json-c never sees one. */
	is_int(cron_json_check("1", 1, 0), CRON_JSON_DEPTH, "check depth 0");
	is_int(cron_json_parse("1", 1, 0, &o), CRON_JSON_DEPTH, "parse depth 0");
	is_int(cron_json_check("[]", 2, -1), CRON_JSON_DEPTH,
	    "check depth -1");
}

static void
test_getters(void)
{
	static const char	 doc[] = "{\"s\":\"hello\",\"e\":\"\",\"i\":42,"
	    "\"neg\":-9223372036854775808,\"max\":9223372036854775807,"
	    "\"d\":1.5,\"t\":true,\"f\":false,\"n\":null,\"a\":[1],"
	    "\"o\":{\"s\":\"inner\"},\"is\":\"42\",\"bs\":\"true\"}";
	struct json_object	*o;
	int64_t			 v;
	int			 b;

	if (!ok(cron_json_parse(doc, sizeof(doc) - 1, 16, &o) == CRON_JSON_OK,
	    "parse the getter document"))
		return;

	is_str(cron_json_str(o, "s"), "hello", "str: present");
	is_str(cron_json_str(o, "e"), "", "str: empty string");
	is_str(cron_json_str(o, "missing"), NULL, "str: absent");
	is_str(cron_json_str(o, "i"), NULL, "str: an int is not a string");
	is_str(cron_json_str(o, "n"), NULL, "str: null is not a string");
	is_str(cron_json_str(o, "t"), NULL, "str: a bool is not a string");
	is_str(cron_json_str(o, "o"), NULL, "str: an object is not a string");
	is_str(cron_json_str(o, "a"), NULL, "str: an array is not a string");
	is_str(cron_json_str(o, "S"), NULL, "str: keys are case-sensitive");
	is_str(cron_json_str(NULL, "s"), NULL, "str: NULL object");

	v = 7;
	is_int(cron_json_int(o, "i", &v), 0, "int: present");
	is_int(v, 42, "int: value");
	is_int(cron_json_int(o, "neg", &v), 0, "int: INT64_MIN");
	ok(v == INT64_MIN, "int: INT64_MIN value");
	is_int(cron_json_int(o, "max", &v), 0, "int: INT64_MAX");
	ok(v == INT64_MAX, "int: INT64_MAX value");
	v = 7;
	is_int(cron_json_int(o, "missing", &v), -1, "int: absent");
	is_int(cron_json_int(o, "d", &v), -1, "int: a double is not an int");
	is_int(cron_json_int(o, "is", &v), -1, "int: a string is not an int");
	is_int(cron_json_int(o, "t", &v), -1, "int: a bool is not an int");
	is_int(cron_json_int(o, "n", &v), -1, "int: null is not an int");
	is_int(v, 7, "int: failures leave the value alone");

	b = 7;
	is_int(cron_json_bool(o, "t", &b), 0, "bool: true present");
	is_int(b, 1, "bool: true value");
	is_int(cron_json_bool(o, "f", &b), 0, "bool: false present");
	is_int(b, 0, "bool: false value");
	b = 7;
	is_int(cron_json_bool(o, "missing", &b), -1, "bool: absent");
	is_int(cron_json_bool(o, "bs", &b), -1, "bool: a string is not a bool");
	is_int(cron_json_bool(o, "i", &b), -1, "bool: an int is not a bool");
	is_int(cron_json_bool(o, "n", &b), -1, "bool: null is not a bool");
	is_int(b, 7, "bool: failures leave the value alone");

	json_object_put(o);
}

static void
test_build(void)
{
	struct json_object	*o;
	const char		*text;
	size_t			 len;

	o = json_object_new_object();
	cron_json_add_str(o, "url", "https://example.com/a/b");
	cron_json_add_str(o, "none", NULL);
	cron_json_add_int(o, "n", -42);
	cron_json_add_int(o, "big", 9007199254740993LL);
	cron_json_add_time(o, "unset", -1);
	cron_json_add_time(o, "epoch", 0);
	cron_json_add_time(o, "at", 1773568800123LL);
	cron_json_add_time(o, "leap", 1709210096789LL);
	cron_json_add_time(o, "far", 253402300800000LL);
	cron_json_add_str(o, "q", "say \"hi\"\n\\ caf\xc3\xa9");
	text = cron_json_text(o, &len);
	is_str(text, "{\"url\":\"https://example.com/a/b\",\"none\":null,"
	    "\"n\":-42,\"big\":9007199254740993,\"unset\":null,"
	    "\"epoch\":\"1970-01-01T00:00:00.000Z\","
	    "\"at\":\"2026-03-15T10:00:00.123Z\","
	    "\"leap\":\"2024-02-29T12:34:56.789Z\",\"far\":null,"
	    "\"q\":\"say \\\"hi\\\"\\n\\\\ caf\xc3\xa9\"}",
	    "compact text, no escaped slashes");
	is_int(len, strlen(text), "text length");
	ok(strstr(text, "\\/") == NULL, "no \\/ in the text");
	is_str(cron_json_str(o, "at"), "2026-03-15T10:00:00.123Z",
	    "add_time reads back as a string");
	ok(json_object_object_get_ex(o, "unset", NULL) &&
	    cron_json_str(o, "unset") == NULL, "add_time(-1) is a null member");
	text = cron_json_text(o, NULL);
	ok(text != NULL && text[0] == '{', "text with a NULL length");

	/* Replacing a member frees the old value (valgrind checks). */
	cron_json_add_str(o, "url", "/x");
	is_str(cron_json_str(o, "url"), "/x", "add_str replaces a member");
	json_object_put(o);
}

static void
test_errstr(void)
{
	ok(strstr(cron_json_errstr(CRON_JSON_SYNTAX), "JSON") != NULL,
	    "errstr(SYNTAX)");
	ok(strstr(cron_json_errstr(CRON_JSON_DEPTH), "deep") != NULL,
	    "errstr(DEPTH) says deep");
	ok(strstr(cron_json_errstr(CRON_JSON_UTF8), "UTF-8") != NULL,
	    "errstr(UTF8) says UTF-8");
	is_str(cron_json_errstr(CRON_JSON_ERR__MAX), "unknown",
	    "errstr out of range");
}

int
main(void)
{
	test_utf8();
	test_utf8_repair();
	test_parse();
	test_check();
	test_depth();
	test_depth_big();
	test_getters();
	test_build();
	test_errstr();
	return done_testing();
}

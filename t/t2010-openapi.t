#!/usr/bin/env bash
test_description='docs/openapi.json: valid OpenAPI 3.1, matches the route table, served byte for byte'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRCDIR/t/lib-stack.sh"

# The validator (@seriousme/openapi-schema-validator, pinned in
# t/package-lock.json) is installed into t/node_modules by "npm ci --prefix t".
if ! command -v node >/dev/null; then
	skip_all "node not found (install Node.js, then run npm ci --prefix t)"
fi
if ! test -d "$TEST_SRCDIR/t/node_modules/@seriousme/openapi-schema-validator"; then
	skip_all "OpenAPI validator not installed; run npm ci --prefix t"
fi

DOC=$TEST_SRCDIR/docs/openapi.json
check() {
	node "$TEST_SRCDIR/t/openapi-check.mjs" "$@"
}

test_expect_success 'docs/openapi.json is valid OpenAPI 3.1' '
	jq -e ".openapi | startswith(\"3.1.\")" "$DOC" &&
	check "$DOC"
'

# rejects FILTER PATTERN: docs/openapi.json changed by the jq FILTER must
# fail the check, with PATTERN in the errors.
rejects() {
	jq "$1" "$DOC" >broken.json &&
	! cmp -s broken.json "$DOC" &&
	test_must_fail check broken.json 2>err &&
	test_grep "$2" err
}
HEALTH_200='.paths["/v1/health"].get.responses["200"]'

test_expect_success 'the validator rejects a document without info' '
	rejects "del(.info)" "required property .info."
'

test_expect_success 'the validator rejects an invalid openapi version' '
	rejects ".openapi = \"3.1\"" "/openapi: must match pattern"
'

test_expect_success 'the validator rejects a response without description' '
	rejects "del($HEALTH_200.description)" "required property .description."
'

test_expect_success 'the validator rejects a $ref that does not resolve' '
	rejects "$HEALTH_200.content[\"application/json\"].schema[\"\$ref\"] =
		\"#/components/schemas/NoSuch\"" "resolve #/components/schemas/NoSuch"
'

test_expect_success 'a valid OpenAPI 3.0 document is not enough' '
	rejects ".openapi = \"3.0.3\" | del(.info.summary, .info.license.identifier)" \
		"not 3.1.x"
'

test_expect_success 'the checker rejects a file that is not JSON' '
	printf "openapi: 3.1.0\n" >not.json &&
	test_must_fail check not.json
'

# Every route in the table is checked, including the diagnostic one that
# exists only with api_debug_routes = 1 (documented as such).
test_expect_success 'the route table is printed' '
	cron-api --routes >routes &&
	test_grep "^GET /v1/openapi.json$" routes
'

test_expect_success 'every route is documented and every documented operation is a route' '
	check "$DOC" --routes routes
'

test_expect_success 'an undocumented route fails the route check' '
	{ cat routes && echo "DELETE /v1/widgets/:id"; } >routes.extra &&
	test_must_fail check "$DOC" --routes routes.extra 2>err &&
	test_grep "route not in the document: delete /v1/widgets/{id}" err
'

test_expect_success 'a documented operation that is not a route fails the route check' '
	grep -v "^GET /v1/health$" routes >routes.fewer &&
	test_must_fail check "$DOC" --routes routes.fewer 2>err &&
	test_grep "documented but not a route: get /v1/health" err
'

test_expect_success 'start the stack' '
	stack_up
'

test_expect_success 'GET /v1/openapi.json serves docs/openapi.json byte for byte' '
	http GET /v1/openapi.json &&
	expect_status 200 &&
	test "$(header content-type)" = application/json &&
	test_cmp "$DOC" body &&
	jq -e ".openapi and .paths" body >/dev/null
'

test_done

#!/usr/bin/env bash
test_description="placeholder (issue 7)"
. "$(dirname "$0")/test-lib.sh"
test_done

#!/usr/bin/env node
// t/openapi-check.mjs: checks an OpenAPI document for t/t2010-openapi.t.
//
//   node t/openapi-check.mjs OPENAPI.json [--routes ROUTES]
//
// Validates OPENAPI.json as an OpenAPI 3.1 document with
// @seriousme/openapi-schema-validator (the official 3.1 JSON Schema plus a
// check that every local $ref resolves).  With --routes, ROUTES holds the
// route table as printed by "cron-api --routes" ("METHOD /path/:param" per
// line): every route must be documented (as /path/{param}, method in lower
// case) and every documented path+method must be a route.
//
// Prints each problem on stderr; exits 0 when there are none, 1 when there
// are, 2 on a usage error.

import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function usage() {
	console.error("usage: openapi-check.mjs OPENAPI.json [--routes ROUTES]");
	process.exit(2);
}

const args = process.argv.slice(2);
let docFile = null;
let routesFile = null;
for (let i = 0; i < args.length; i++) {
	if (args[i] === "--routes") {
		if (++i >= args.length) usage();
		routesFile = args[i];
	} else if (args[i].startsWith("-") || docFile !== null) {
		usage();
	} else {
		docFile = args[i];
	}
}
if (docFile === null) usage();

const problems = [];

// The document must be JSON (the validator would also take YAML).
let doc;
try {
	doc = JSON.parse(readFileSync(docFile, "utf-8"));
} catch (err) {
	console.error(`${docFile}: ${err.message}`);
	process.exit(1);
}

const validator = new Validator({ allErrors: true });
const res = await validator.validate(doc);
if (!res.valid) {
	const errors = Array.isArray(res.errors) ? res.errors : [res.errors];
	for (const e of errors) {
		if (typeof e === "string") {
			problems.push(e);
		} else {
			const params = e.params && Object.keys(e.params).length
				? " " + JSON.stringify(e.params) : "";
			problems.push(`${e.instancePath || "/"}: ${e.message}${params}`);
		}
	}
} else if (validator.version !== "3.1") {
	problems.push(`openapi is "${doc.openapi ?? doc.swagger}", not 3.1.x`);
}

if (routesFile !== null) {
	const routes = new Set();
	let lines;
	try {
		lines = readFileSync(routesFile, "utf-8").split("\n");
	} catch (err) {
		console.error(`${routesFile}: ${err.message}`);
		process.exit(1);
	}
	lines.forEach((line, n) => {
		if (line === "") return;
		const m = /^([A-Z]+) (\/\S*)$/.exec(line);
		if (!m) {
			problems.push(`${routesFile}:${n + 1}: not "METHOD /path": ${line}`);
			return;
		}
		const path = m[2].replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
		routes.add(`${m[1].toLowerCase()} ${path}`);
	});

	const documented = new Set();
	for (const [path, item] of Object.entries(doc.paths ?? {})) {
		for (const method of HTTP_METHODS) {
			if (item && typeof item === "object" && method in item)
				documented.add(`${method} ${path}`);
		}
	}

	for (const r of routes) {
		if (!documented.has(r))
			problems.push(`route not in the document: ${r}`);
	}
	for (const d of documented) {
		if (!routes.has(d))
			problems.push(`documented but not a route: ${d}`);
	}
}

for (const p of problems) console.error(`${docFile}: ${p}`);
process.exit(problems.length ? 1 : 0);

-- wrk script for bench/api's jobs target: POST /v1/jobs, cycling through
-- one job of each kind that a scheduler claims (recurring, cron in a zone
-- with DST, scheduled) and one_time, which also queues its execution.
-- The Authorization header comes from wrk -H.
local bodies = {
	'{"name":"bench recurring","kind":"recurring",' ..
	'"schedule":{"every_n_minutes":5},' ..
	'"request":{"url":"https://example.com/hook","method":"POST",' ..
	'"headers":{"Authorization":"Bearer secret://api-key"},' ..
	'"body":{"source":"bench"}}}',
	'{"name":"bench cron","kind":"cron",' ..
	'"schedule":{"cron":"30 9 * * 1-5","timezone":"America/New_York"},' ..
	'"request":{"url":"https://example.com/report"},' ..
	'"retry_policy":{"max_attempts":5}}',
	'{"name":"bench scheduled","kind":"scheduled",' ..
	'"schedule":{"run_at":"2099-12-01T09:00:00.000Z"},' ..
	'"request":{"url":"https://example.com/once","timeout_seconds":10}}',
	'{"name":"bench one_time","kind":"one_time",' ..
	'"request":{"url":"https://example.com/now","method":"DELETE"}}',
}
local requests = {}
local n = 0

-- wrk.format uses only the headers it is given: copy wrk -H's in.
init = function(args)
	local h = {}
	for k, v in pairs(wrk.headers) do
		h[k] = v
	end
	h["Content-Type"] = "application/json"
	for i, b in ipairs(bodies) do
		requests[i] = wrk.format("POST", nil, h, b)
	end
end

request = function()
	n = n + 1
	return requests[(n % #requests) + 1]
end

/** `holdfast --help`: the whole surface of the command on one screen. */
export const helpText = `Usage:
  holdfast wait <url>... [--timeout <seconds>] [--quiet]
  holdfast watch <url>... [--json]

Commands:
  wait     Wait until every target accepts a connection (connect + verify), then exit 0.
           Exit 1, with the reason per target, when the timeout passes or an error is not
           worth retrying (a wrong password fails at once). For container entrypoints:
             holdfast wait mysql://app@db/shop redis://cache && node server.js
  watch    Print every state change of every target until Ctrl-C (then exit 0).

URLs:
  mysql://[user[:password]@]host[:port][/database]      (port 3306)
  redis://[[user]:password@]host[:port][/db]            (port 6379)
  rediss://...                                          (Redis over TLS)
  Percent-encode special characters in passwords (@ is %40). Passwords are never printed.

Options:
  -t, --timeout <seconds>  wait: give up after this long (0 = no limit)  [default: 30]
  -q, --quiet              wait: print nothing unless a target fails
      --json               watch: one JSON object per line
  -h, --help               show this help
      --version            show the version

Retry policy (seconds, as the reference design documents them):
  DB_RETRY_MAX_ATTEMPTS, DB_RETRY_BASE_DELAY, DB_RETRY_MAX_DELAY            (MySQL: 3, 1.0, 30.0)
  REDIS_RETRY_MAX_ATTEMPTS, REDIS_RETRY_BASE_DELAY, REDIS_RETRY_MAX_DELAY   (Redis: 3, 0.5, 10.0)
  When a round of retries is used up, wait starts a new round until the timeout.

OpenTelemetry:
  OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 exports the connect spans and metrics
  over OTLP/HTTP (needs @opentelemetry/sdk-node and the two OTLP proto exporters installed).

Exit status: 0 ready, 1 not ready (reason printed per target), 2 usage error.
`;

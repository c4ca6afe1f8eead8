// Runs the graphql-http audit (https://github.com/graphql/graphql-http) against a URL and prints
// one JSON line per check: {"id", "name", "status", "reason"}.
import { auditServer } from "graphql-http";

const url = process.argv[2];
const results = await auditServer({ url });
for (const result of results) {
  const reason = result.status === "ok" ? null : result.reason;
  console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status, reason }));
}

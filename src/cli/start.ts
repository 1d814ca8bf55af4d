// `npm start`: apply D1 migrations and serve ctxprobe locally on $PORT (default 8787).
// On first start it writes .dev.vars (git-ignored) with a random ADMIN_TOKEN and a SECRETS_KEYS key.
import { ensureDevVars, startLocalService } from "./local-service";

const port = Number(process.env.PORT ?? 8787);
const devVars = ensureDevVars();
const service = await startLocalService({ port, output: "inherit" });
console.log(`\nctxprobe is running at ${service.url}  (API docs: ${service.url}/docs, leaderboard: ${service.url}/v1/leaderboard)`);
console.log(`${devVars.created ? "Created" : "Using"} ${devVars.path}: the admin token (ADMIN_TOKEN) and the key ring sealing API keys (SECRETS_KEYS).`);
// The token itself is not printed (terminal logs outlive it); this reads it from the file.
console.log(`Use the admin token with the CLI and curl:\n  export CTXPROBE_TOKEN=$(sed -n 's/^ADMIN_TOKEN=//p' ${devVars.path})\n  curl -H "Authorization: Bearer $CTXPROBE_TOKEN" ${service.url}/v1/account\n`);
const stop = () => {
  service.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

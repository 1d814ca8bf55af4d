// `npm start`: apply D1 migrations and serve ctxprobe locally on $PORT (default 8787).
// On first start it writes .dev.vars (git-ignored) with a random ADMIN_TOKEN and a SECRETS_KEYS key.
import { ensureDevVars, startBanner, startLocalService } from "./local-service";

const port = Number(process.env.PORT ?? 8787);
const devVars = ensureDevVars();
const service = await startLocalService({ port, output: "inherit" });
console.log(startBanner(service.url, devVars));
const stop = () => {
  service.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

// `npm start`: apply D1 migrations and serve ctxprobe locally on $PORT (default 8787).
import { startLocalService } from "./local-service";

const port = Number(process.env.PORT ?? 8787);
const service = await startLocalService({ port, output: "inherit" });
console.log(`\nctxprobe is running at ${service.url}  (API docs: ${service.url}/docs, leaderboard: ${service.url}/v1/leaderboard)\n`);
const stop = () => {
  service.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

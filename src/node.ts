import "./require-supported-node";
import { parseEnv } from "./env";
import { startNodeService } from "./node-service";

// The Node entry: the only place (with worker.ts) that reads the environment.
const service = await startNodeService(parseEnv(process.env));

const shutdown = async () => {
  await service.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

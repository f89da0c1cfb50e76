// Worker threads do not inherit the parent's `--import tsx` hooks: register them, then load the worker.
import { register } from "tsx/esm/api";

register();
await import("./map-worker.ts");

// The Action's entry point: everything happens in run(), nothing at import time.
import { run } from "./main.ts";

await run();

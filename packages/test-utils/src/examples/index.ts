import type { MockRespond } from "../types.ts";
import { customerSupportModel } from "./customer-support.ts";

export { customerSupportModel } from "./customer-support.ts";

/** The scripted model behind each offline example under `examples/`, by the example's folder name. */
export const EXAMPLE_MODELS: Readonly<Record<string, MockRespond>> = {
  "customer-support": customerSupportModel,
};

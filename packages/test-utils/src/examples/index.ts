import type { MockRespond } from "../types.ts";
import { customerSupportModel } from "./customer-support.ts";
import { fineTuneMigrationModel } from "./fine-tune-migration.ts";
import { medicalCodingModel } from "./medical-coding.ts";

export { customerSupportModel } from "./customer-support.ts";
export {
  fineTuneMigrationModel,
  TRIAGE_CASES,
  TRIAGE_FINE_TUNE,
  type TriageCase,
  type TriageModel,
} from "./fine-tune-migration.ts";
export {
  MEDICAL_CODING_CASES,
  MEDICAL_CODING_FINE_TUNE,
  type MedicalCoder,
  type MedicalCodingCase,
  medicalCodingModel,
} from "./medical-coding.ts";
export { estimateUsage } from "./usage.ts";

/** An offline example under `examples/`: the scripted model that answers it, and its pull-request variants. */
export interface ExampleDefinition {
  /** The scripted loopback model its recording was made from. */
  model: MockRespond;
  /**
   * Folders under `examples/<name>/pr/`, each a pull request's version of some files (overlaid on the example):
   * the recording answers the base and every variant, so `promptfirst gate` runs offline on each.
   */
  pullRequests: readonly string[];
}

/** Every offline example, by its folder name under `examples/`. */
export const EXAMPLES: Readonly<Record<string, ExampleDefinition>> = {
  "customer-support": {
    model: customerSupportModel,
    pullRequests: ["trim-knowledge-base", "add-fine-tuning-data"],
  },
  "medical-coding": { model: medicalCodingModel, pullRequests: ["add-records"] },
  "fine-tune-migration": { model: fineTuneMigrationModel, pullRequests: ["add-prompt-candidates"] },
};

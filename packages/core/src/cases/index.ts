export { computeCaseId, DERIVED_CASE_ID_HEX_CHARS, RESERVED_CASE_KEYS } from "./case-record.ts";
export { type CasesFormat, detectCasesFormat, JsonlCasesReader, parseCases } from "./parse-cases.ts";

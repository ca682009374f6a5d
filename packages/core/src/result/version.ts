/**
 * Version of the RunResult file format; bumped on any incompatible change. Apart from the schema (./schema.ts),
 * so that writing a result does not build the schemas that only reading one needs.
 */
export const RUN_RESULT_SCHEMA_VERSION = 1;

import pkg from "../package.json" with { type: "json" };

/** The promptfirst version, from the CLI package's manifest. */
export const VERSION: string = pkg.version;

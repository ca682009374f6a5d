import type { BatchEvent } from "./batch-provider.ts";

/**
 * A Batch API event as one log line: the batch's id and progress (`info`), or a warning. Shells print them, so a
 * wait of up to 24 hours shows what it waits for, and a resubmitted batch is never silent.
 */
export function describeBatchEvent(event: BatchEvent): { level: "info" | "warning"; text: string } {
  const failed = (n: number) => (n > 0 ? `, ${n} failed` : "");
  switch (event.type) {
    case "submitted":
      return {
        level: "info",
        text: `batch ${event.batchId}: submitted ${event.requests} request(s) to the Batch API (answers within 24 h; a run stopped meanwhile resumes it with the same cache directory)`,
      };
    case "resumed":
      return {
        level: "info",
        text: `batch ${event.batchId}: resumed, ${event.requests} request(s) submitted by an earlier run`,
      };
    case "status":
      return {
        level: "info",
        text: `batch ${event.batchId}: ${event.status}, ${event.completed} of ${event.total} done${failed(event.failed)}`,
      };
    case "finished":
      return {
        level: "info",
        text: `batch ${event.batchId}: ${event.status}, ${event.answered} answered${failed(event.failed)}`,
      };
    case "warning":
      return { level: "warning", text: event.message };
  }
}

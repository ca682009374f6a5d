export { type ChangeItem, type ChangeSegment, type ChangeSummary, collectChanges } from "./changes.ts";
export {
  DEFAULT_COMMENT_CASES_PER_LIST,
  MIN_COMMENT_CHARS,
  type RenderCommentOptions,
  type RenderEvaluatingOptions,
  type RenderJobSummaryOptions,
  type RenderNothingTouchedOptions,
  type RenderStoppedOptions,
  renderComment,
  renderEvaluatingComment,
  renderJobSummary,
  renderNothingTouchedComment,
  renderStoppedComment,
} from "./comment.ts";
export { DEFAULT_HTML_OUTPUT_CHARS, type RenderHtmlOptions, renderHtmlReport } from "./html/render-html.ts";
export { renderSvgScoreChart, type SvgChartRow } from "./html/svg-chart.ts";
export { renderJson } from "./json.ts";
export {
  DEFAULT_JUNIT_OUTPUT_CHARS,
  escapeXmlAttr,
  escapeXmlText,
  type RenderJUnitOptions,
  renderJUnit,
} from "./junit.ts";
export {
  MAX_COMMENT_CHARS,
  MAX_JOB_SUMMARY_BYTES,
  measureText,
  type SizeUnit,
  type TrimmedMarkdown,
  trimMarkdownLines,
} from "./markdown/budget.ts";
export { renderMermaidChart, sanitizeChartLabel } from "./markdown/chart.ts";
export { DETAIL_LEVELS, type DetailLevel, renderMarkdownParts } from "./markdown/document.ts";
export {
  DEFAULT_MAX_OUTPUT_CHARS,
  DEFAULT_MAX_OUTPUT_LINES,
  escapeCell,
  escapeHtml,
  escapeHtmlInline,
  escapeMarkdown,
  fenceCode,
  formatTrimNote,
  inlineCode,
  neutralizeMentions,
  normalizeText,
  type TrimmedText,
  type TrimOutputOptions,
  trimOutput,
  ZERO_WIDTH_SPACE,
} from "./markdown/escape.ts";
export {
  COMMENT_MARKER_PREFIX,
  hasCommentMarker,
  type ReportLinks,
  renderCommentMarker,
  sanitizeMarkerKey,
} from "./markdown/footer.ts";
export { renderVerdictLine } from "./markdown/headline.ts";
export { type DisplayStatus, STATUS_MARK } from "./wording.ts";

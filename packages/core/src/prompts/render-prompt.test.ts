import { describe, expect, it } from "vitest";
import { isPromptfirstError } from "../errors.ts";
import { parsePrompt } from "./parse-prompt.ts";
import { listPromptVariables, renderPrompt } from "./render-prompt.ts";

const template = parsePrompt(
  "---\nsystem: You support {{product}} customers.\n---\nHi, I am {{customer.name}} ({{customer.plan}}).\n{{ question }}\nContext: {{product}}",
  "prompts/support.md",
).template;

describe("renderPrompt", () => {
  it("fills plain and dotted variables in every message", () => {
    const messages = renderPrompt(template, {
      product: "Acme",
      customer: { name: "Ann", plan: { tier: "pro" } },
      question: "Where is my invoice?",
    });
    expect(messages).toEqual([
      { role: "system", content: "You support Acme customers." },
      { role: "user", content: 'Hi, I am Ann ({"tier":"pro"}).\nWhere is my invoice?\nContext: Acme' },
    ]);
  });

  it("names the case, the variable and the template's file when a variable is missing", () => {
    let caught: unknown;
    try {
      renderPrompt(template, { product: "Acme", question: "q" }, "refund-policy");
    } catch (error) {
      caught = error;
    }
    expect(isPromptfirstError(caught)).toBe(true);
    if (!isPromptfirstError(caught)) return;
    expect(caught.code).toBe("TEMPLATE_VARIABLE_MISSING");
    expect(caught.message).toBe(
      'prompts/support.md: variable "{{customer.name}}" is not defined in case "refund-policy" (the case defines: product, question); add it to the case\'s vars or remove it from the template',
    );
  });

  it("leaves the template untouched", () => {
    renderPrompt(template, { product: "A", customer: { name: "B", plan: "C" }, question: "D" });
    expect(template.messages[1]?.content).toContain("{{customer.name}}");
  });
});

describe("listPromptVariables", () => {
  it("lists each variable once, in order of first use across messages", () => {
    expect(listPromptVariables(template)).toEqual(["product", "customer.name", "customer.plan", "question"]);
  });
});

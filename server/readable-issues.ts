import type { z } from "zod";

type Issue = Pick<z.core.$ZodIssue, "path" | "message">;

/** The validation error a person can act on: one "field: message" sentence per zod issue. */
export function readableIssues(issues: readonly Issue[]): string {
  const sentences = issues.map((i) => {
    const field = i.path.map(String).join(".") || "input";
    return `${field}: ${i.message.replace(/\.$/, "")}.`;
  });
  return sentences.length ? sentences.join(" ") : "The input is not valid.";
}

/** The issues of a zod error wherever tRPC put it (the error's cause); undefined for any other error. */
export function zodIssuesOf(cause: unknown): Issue[] | undefined {
  if (typeof cause !== "object" || cause === null || !("issues" in cause) || !Array.isArray(cause.issues)) return undefined;
  return (cause.issues as unknown[]).flatMap((i) =>
    typeof i === "object" && i !== null && "message" in i && typeof i.message === "string" && "path" in i && Array.isArray(i.path)
      ? [{ path: i.path as PropertyKey[], message: i.message }]
      : [],
  );
}

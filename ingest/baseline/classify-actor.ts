import { ImportFileError } from "./baseline-event";

/**
 * Real event logs mark automation only by the resource's name (e.g. `SYSTEM`, `batch-job-7`), so a
 * pattern decides which resources are systems; any other named resource is a person (Celonis counts
 * the automation rate the same way, DESIGN.md §6).
 */
export function actorClassifier(systemResources: RegExp | undefined): (resource: string) => "unknown" | "human" | "system" {
  return (resource) => {
    if (resource === "") return "unknown";
    if (systemResources?.test(resource)) return "system";
    return "human";
  };
}

/** Compiles the user's pattern, case-insensitively; a bad pattern is the user's error to fix. */
export function compileSystemPattern(pattern: string | undefined): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(pattern, "i");
  } catch (err) {
    throw new ImportFileError(`--system-resources is not a valid regular expression: ${(err as Error).message}`);
  }
}

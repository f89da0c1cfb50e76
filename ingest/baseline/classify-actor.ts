import { ImportFileError } from "./baseline-event";

/**
 * What exports write where nobody is recorded. Such a resource says nothing about who did the step, so
 * the step's actor is unknown, as for an empty one (docs/conventions.md, "Baseline imports").
 */
const NO_RESOURCE = new Set(["", "-", "?", "null", "none", "n/a", "na", "unknown", "nan"]);

/**
 * Real event logs mark automation only by the resource's name (e.g. `SYSTEM`, `batch-job-7`), so a
 * pattern decides which resources are systems; any other named resource is a person (Celonis counts
 * the automation rate the same way, DESIGN.md §6). A step without a resource is `unknown`: it is
 * neither a person nor a system, and the metrics keep it unknown rather than guess.
 */
export function actorClassifier(systemResources: RegExp | undefined): (resource: string) => "unknown" | "human" | "system" {
  return (resource) => {
    const name = resource.trim();
    if (NO_RESOURCE.has(name.toLowerCase())) return "unknown";
    if (systemResources?.test(name)) return "system";
    return "human";
  };
}

/**
 * Compiles the user's pattern, case-insensitively, to match a WHOLE resource name: `112` names resource
 * 112, not 11201 (a substring match silently turned people into systems). Alternatives keep working
 * (`SYSTEM|batch-.*`); a substring needs saying so (`.*robot.*`). A bad pattern is the user's error to fix.
 */
export function compileSystemPattern(pattern: string | undefined): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`, "i");
  } catch (err) {
    throw new ImportFileError(`--system-resources is not a valid regular expression: ${(err as Error).message}`);
  }
}
